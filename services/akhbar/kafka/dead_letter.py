"""Dead-letter records: the original key, value and headers byte for byte, plus our headers.

Header names follow the Kafka Connect habit (``__connect.errors.*``) under our own prefix;
``schemas/dead_letter.schema.json`` lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from akhbar.core.errors import Reason

PREFIX = "akhbar.dlq."
MAX_MESSAGE = 1000

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Where a record came from: enough to find it again in the source topic."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    group: str
    worker: str
    stage: str


def dead_letter_headers(
    origin: Origin,
    *,
    reason: Reason,
    message: str,
    exception: str,
    original: Sequence[tuple[str, bytes]] = (),
    article_id: str | None = None,
) -> Headers:
    """Original headers (minus any of ours from an earlier hop) followed by ours."""
    ours = {
        "reason": reason,
        "message": message[:MAX_MESSAGE],
        "stage": origin.stage,
        "worker": origin.worker,
        "group": origin.group,
        "topic": origin.topic,
        "partition": str(origin.partition),
        "offset": str(origin.offset),
        "timestamp": str(origin.timestamp_ms),
        "exception": exception,
    }
    if article_id:
        ours["article_id"] = article_id
    kept = [(k, v) for k, v in original if not k.startswith(PREFIX)]
    return kept + [(PREFIX + k, v.encode("utf-8", "replace")) for k, v in ours.items()]


def decode_headers(headers: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    """Our headers as a dict of strings (what the dead-letter schema validates)."""
    return {k: v.decode("utf-8", "replace") for k, v in headers if k.startswith(PREFIX)}
