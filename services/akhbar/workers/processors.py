"""Per-stage processors: bytes in, ``(topic role, record)`` pairs out. Pure but for state.

A processor decodes and validates its input against the schema, then calls the stage
function. Errors it raises are ``RejectedInput`` (dead-lettered with their reason) or bugs
(dead-lettered as ``processing_error`` by the runtime).
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from typing import Any

from akhbar.config import Settings, Stage, TopicRole
from akhbar.metrics import DEDUP_INDEX_SIZE, DUPLICATES, END_TO_END_SECONDS, ENTITIES
from akhbar.records import Record, decode
from akhbar.stages import clean_stage, dedup_stage, tag_stage

Output = tuple[TopicRole, Record]
Processor = Callable[[bytes | None, float], list[Output]]

SOURCE: dict[Stage, TopicRole] = {"clean": "raw", "dedup": "clean", "tag": "deduped"}
SINKS: dict[Stage, tuple[TopicRole, ...]] = {
    "clean": ("clean",),
    "dedup": ("deduped", "duplicates"),
    "tag": ("enriched",),
}


def clean_processor(settings: Settings) -> Processor:
    def process(value: bytes | None, ts: float) -> list[Output]:
        raw = decode(value, "raw_article", max_bytes=settings.max_record_bytes)
        cleaned = clean_stage(raw, max_body_bytes=settings.max_body_bytes)
        if cleaned["ingested_at"] is None:  # producers other than `akhbar push`
            cleaned["ingested_at"] = ts  # the raw record's Kafka timestamp
        return [("clean", cleaned)]

    return process


def dedup_processor(
    settings: Settings,
    signatures: MutableMapping[str, Any],
) -> Processor:
    """State lives in one mapping (a Faust table in the worker, a dict in tests)."""
    from akhbar.core.dedup import Deduper

    deduper = Deduper(
        signatures=signatures,
        threshold=settings.dedup_threshold,
        window_seconds=settings.dedup_window_seconds,
    )
    seen = 0

    def process(value: bytes | None, ts: float) -> list[Output]:
        nonlocal seen
        record = decode(value, "clean_article")
        route, out = dedup_stage(deduper, record, now=ts)
        if route == "duplicates":
            DUPLICATES.labels(kind=out["dedup"]["status"]).inc()
        seen += 1
        if seen % 1000 == 0:
            deduper.expire(ts)
        if seen % 50 == 1:  # cheap (in-memory index), but no need on every record
            DEDUP_INDEX_SIZE.set(deduper.indexed_count())
        return [(route, out)]

    return process


def tag_processor(settings: Settings) -> Processor:
    from akhbar.tagger import default_tagger

    tagger = default_tagger()

    def process(value: bytes | None, _ts: float) -> list[Output]:
        record = decode(value, "deduped_article")
        out = tag_stage(tagger, record)
        for entity in (*out["title_entities"], *out["entities"]):
            ENTITIES.labels(type=entity["type"], source=entity["source"]).inc()
        if record.get("ingested_at"):
            END_TO_END_SECONDS.observe(max(0.0, time.time() - float(record["ingested_at"])))
        return [("enriched", out)]

    return process
