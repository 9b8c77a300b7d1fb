"""Batch mode: the clean → dedup → tag core in-process, without Kafka.

One output line per input article: the enriched record, the duplicate record, or a
rejection (``dead_letter`` with its reason) for input the workers would dead-letter.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from akhbar.config import Settings
from akhbar.core.dedup import Deduper
from akhbar.core.errors import RejectedInput
from akhbar.records import Record, decode
from akhbar.stages import article_id, clean_stage, dedup_stage, tag_stage


class BatchPipeline:
    """Holds the dedup state across calls, so a whole corpus is deduplicated together."""

    def __init__(self, settings: Settings) -> None:
        from akhbar.tagger import default_tagger

        self.settings = settings
        self.signatures: dict[str, Any] = {}
        self.deduper = Deduper(signatures=self.signatures,
                               threshold=settings.dedup_threshold,
                               window_seconds=settings.dedup_window_seconds)
        self.tagger = default_tagger()

    def process_one(self, payload: bytes, *, now: float | None = None) -> Record:
        raw: Record | None = None
        try:
            raw = decode(payload, "raw_article", max_bytes=self.settings.max_record_bytes)
            cleaned = clean_stage(raw, max_body_bytes=self.settings.max_body_bytes)
            route, record = dedup_stage(self.deduper, cleaned, now=now or time.time())
            if route == "duplicates":
                return record
            return tag_stage(self.tagger, record)
        except RejectedInput as exc:
            return {
                "id": article_id(raw) if raw is not None else None,
                "dead_letter": {"reason": exc.reason, "message": exc.detail[:1000]},
            }

    def process(self, payloads: Iterable[bytes]) -> Iterator[Record]:
        for payload in payloads:
            yield self.process_one(payload)
