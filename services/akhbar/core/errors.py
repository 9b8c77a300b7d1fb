"""The exception hierarchy of akhbar, in one place.

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
    "empty_after_cleaning",
    "html_extraction_failed",
    "processing_error",
]
REASONS: tuple[str, ...] = get_args(Reason)


class AkhbarError(Exception):
    """Base class of every error akhbar raises on purpose."""


class ConfigError(AkhbarError):
    """A setting is missing or malformed."""


class DataFileMissing(AkhbarError):
    """A data file the command needs (a corpus, a model, a word list) is not where it should be."""


class RejectedInput(AkhbarError):
    """A record that cannot be processed; it goes to the dead-letter topic."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: Reason = reason
        self.detail = detail
