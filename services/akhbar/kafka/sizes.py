"""The size policy: every limit the pipeline applies follows from two settings.

``AKHBAR_MAX_RECORD_BYTES`` (R) bounds a raw record, key + value + headers; the broker's
defaults decide nothing. From R:

* ``raw`` topic: ``max.message.bytes`` = R + :data:`FRAMING` (a one-record batch's own
  bytes), so what the broker accepts there is at most a little over R, and `akhbar push`
  refuses anything over R before sending.
* every output record (clean, deduped, duplicates, enriched), key + value + headers, is at
  most :attr:`SizePolicy.output` = R + :data:`FIELD_ROOM`: the clean stage dead-letters a
  record that would grow past it (``record_too_large``), the tag stage drops entities from
  the end until the enriched record fits (``entities_dropped``); dedup adds < 1 KiB.
* a dead letter is its input (at most ``output``) plus our headers (< 8 KiB);
* so every other topic gets ``max.message.bytes`` = :attr:`SizePolicy.message` =
  R + FIELD_ROOM + :data:`HEADER_ROOM`, and producers' ``max_request_size`` and consumers'
  per-partition fetch size are the same number.

``AKHBAR_MAX_BODY_BYTES`` bounds the UTF-8 body alone (``body_too_large``); set it below R,
or the record limit decides first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from akhbar.config import Settings, TopicRole

FRAMING = 1024  # record batch header + one record's overhead, with room to spare
FIELD_ROOM = 16 * 1024  # what the stages add to a record: id, hash, verdict, language, ...
HEADER_ROOM = 16 * 1024  # dead-letter headers (message <= 1000 chars) and framing
FETCH_FLOOR = 50 * 1024 * 1024  # aiokafka's default fetch_max_bytes


@dataclass(frozen=True, slots=True)
class SizePolicy:
    """The byte limits derived from the settings; see the module doc."""

    record: int
    body: int

    @classmethod
    def of(cls, settings: Settings) -> SizePolicy:
        return cls(record=settings.max_record_bytes, body=settings.max_body_bytes)

    @property
    def output(self) -> int:
        """Largest output record a stage may emit (key + value + headers)."""
        return self.record + FIELD_ROOM

    @property
    def message(self) -> int:
        """max.message.bytes of every topic but raw; producers' max_request_size."""
        return self.record + FIELD_ROOM + HEADER_ROOM

    def topic_limit(self, role: TopicRole | None) -> int:
        """max.message.bytes for a topic of ``role`` (None: internal, e.g. a changelog)."""
        return self.record + FRAMING if role == "raw" else self.message

    @property
    def fetch_max_bytes(self) -> int:
        return max(FETCH_FLOOR, self.message)


def record_size(key: bytes | None, value: bytes | None,
                headers: Iterable[tuple[str, bytes]] = ()) -> int:
    """Bytes of a record as the limits count them: key + value + header names and values."""
    size = len(key or b"") + len(value or b"")
    for name, data in headers:
        size += len(name.encode("utf-8")) + len(data or b"")
    return size
