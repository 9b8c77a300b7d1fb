r"""The exception hierarchy of akhbar, in one place.

Every error akhbar raises on purpose is an :class:`AkhbarError`; the CLI prints it as one
line and exits non-zero (the traceback only with ``--debug``). Anything else is a bug.
Where callers may already catch a builtin kind, the class is that kind too (``ConfigError``
and ``DataFileCorrupt`` are ``ValueError``\ s), so ``except ValueError`` keeps working.

    AkhbarError
    ├── ConfigError          a setting (or a core option such as dedup's bands) is malformed
    ├── DataFileMissing      a corpus, model, word list or schema is not where it should be
    ├── DataFileCorrupt      a data file is there but not what it should be (model, gazetteer,
    │                        agency table): a bad build or a damaged install
    ├── InputNotFound        a file or folder given on the command line does not exist
    ├── KafkaUnavailable     the broker cannot be reached, or refused us
    │   ├── BrokerUnreachable    no bootstrap server answered in time
    │   └── AuthenticationFailed SASL or TLS handshake refused
    ├── TopicMissing         a topic the command needs does not exist
    ├── RecordTooLarge       a record over AKHBAR_MAX_RECORD_BYTES (refused before sending)
    ├── PortInUse            the worker's HTTP port (/metrics, /readyz) is taken
    ├── WorkerFailed         a worker process of the demo or supervisor exited or never got ready
    ├── OutputUndeliverable  an output could not be produced even to the dead-letter topic:
    │                        the worker stops without committing, a restart replays
    └── RejectedInput        a record that cannot be processed; it goes to the dead-letter
                             topic with a ``reason`` from :data:`Reason`

Every rejection carries a ``reason`` from a fixed enum: it becomes the
``akhbar.dlq.reason`` header and a low-cardinality metric label.
"""

from __future__ import annotations

from typing import Literal, get_args

Reason = Literal[
    "invalid_utf8",
    "invalid_json",
    "schema_violation",
    "body_too_large",
    "record_too_large",
    "empty_after_cleaning",
    "html_extraction_failed",
    "processing_error",
    "output_rejected",
]
REASONS: tuple[str, ...] = get_args(Reason)


class AkhbarError(Exception):
    """Base class of every error akhbar raises on purpose."""


class ConfigError(AkhbarError, ValueError):
    """A setting is missing or malformed (or an option of a core object, e.g. dedup's bands)."""


class DataFileMissing(AkhbarError):
    """A data file the command needs (a corpus, a model, a word list) is not where it should be."""


class DataFileCorrupt(AkhbarError, ValueError):
    """A shipped data file cannot be read as what it should be (a corrupt model, a bad row).

    Never the user's input: that is a :class:`RejectedInput`. It means a bad build or a
    damaged install, and the message names the file.
    """


class InputNotFound(AkhbarError):
    """A path given by the user does not exist."""


class KafkaUnavailable(AkhbarError):
    """The Kafka cluster cannot be used: unreachable, or it refused our credentials."""


class BrokerUnreachable(KafkaUnavailable):
    """No bootstrap server answered (wrong AKHBAR_BOOTSTRAP_SERVERS, broker down)."""


class AuthenticationFailed(KafkaUnavailable):
    """SASL authentication or the TLS handshake failed."""


class TopicMissing(AkhbarError):
    """A topic the command needs does not exist (run ``akhbar topics create``)."""


class RecordTooLarge(AkhbarError):
    """A record larger than AKHBAR_MAX_RECORD_BYTES; refused before it is sent."""


class PortInUse(AkhbarError):
    """The HTTP port for /metrics and the health endpoints is already taken."""


class WorkerFailed(AkhbarError):
    """A supervised worker process exited or did not become ready in time."""


class OutputUndeliverable(AkhbarError):
    """An output could not be produced, not even to the dead-letter topic.

    The worker stops without committing the source offset, so a restart replays the record.
    """


class RejectedInput(AkhbarError):
    """A record that cannot be processed; it goes to the dead-letter topic."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: Reason = reason
        self.detail = detail
