"""Per-stage processors: one consumed record in, its outputs (role, key, bytes) out.

A processor decodes its input, calls the stage function and encodes the result. The clean
stage's input comes from anyone who can write to the raw topic, so it is checked in full
(size, UTF-8, JSON, schema); the later stages read what our own stages wrote and get the
structural check of :func:`akhbar.records.decode_trusted`. Errors a processor raises are
``RejectedInput`` (dead-lettered with their reason) or bugs (dead-lettered as
``processing_error`` by the handler).
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from akhbar.config import Settings, Stage, TopicRole
from akhbar.core.errors import RejectedInput
from akhbar.kafka.sizes import SizePolicy, record_size
from akhbar.metrics import (
    DEDUP_INDEX_SIZE,
    DUPLICATES,
    END_TO_END_SECONDS,
    ENTITIES,
    ENTITIES_DROPPED,
)
from akhbar.records import decode, decode_trusted, encode
from akhbar.stages import bound_entities, clean_stage, dedup_stage, tag_stage
from akhbar.workers.sink import Incoming

SOURCE: dict[Stage, TopicRole] = {"clean": "raw", "dedup": "clean", "tag": "deduped"}
SINKS: dict[Stage, tuple[TopicRole, ...]] = {
    "clean": ("clean",),
    "dedup": ("deduped", "duplicates"),
    "tag": ("enriched",),
}
RESERVED_HEADER_PREFIX = "akhbar."


@dataclass(frozen=True, slots=True)
class Output:
    role: TopicRole
    key: bytes
    value: bytes


Processor = Callable[[Incoming], list[Output]]


def carried_headers(headers: tuple[tuple[str, bytes], ...]) -> list[tuple[str, bytes]]:
    """A producer's own headers, carried onto every record its article becomes; names
    under ``akhbar.`` are ours (dead-letter headers) and are not carried."""
    return [(k, v or b"") for k, v in headers if not k.startswith(RESERVED_HEADER_PREFIX)]


def clean_processor(settings: Settings) -> Processor:
    policy = SizePolicy.of(settings)

    def process(message: Incoming) -> list[Output]:
        size = record_size(message.key, message.value, message.headers)
        if size > policy.record:
            raise RejectedInput("record_too_large", f"record is {size:,} bytes (key, value and "
                                f"headers), over the limit of {policy.record:,} bytes "
                                "(AKHBAR_MAX_RECORD_BYTES)")
        raw = decode(message.value, "raw_article")
        cleaned = clean_stage(raw, max_body_bytes=policy.body)
        if cleaned["ingested_at"] is None:  # producers other than `akhbar push`
            cleaned["ingested_at"] = message.timestamp  # the raw record's Kafka timestamp
        return [Output("clean", cleaned["id"].encode(), encode(cleaned))]

    return process


def dedup_processor(settings: Settings, signatures: MutableMapping[str, Any]) -> Processor:
    """State lives in one mapping (the worker's changelog-backed store, a dict in tests)."""
    from akhbar.core.dedup import Deduper

    deduper = Deduper(
        signatures=signatures,
        threshold=settings.dedup_threshold,
        window_seconds=settings.dedup_window_seconds,
    )
    counted = {"exact": DUPLICATES.labels(kind="exact"), "near": DUPLICATES.labels(kind="near")}
    seen = 0

    def process(message: Incoming) -> list[Output]:
        nonlocal seen
        record = decode_trusted(message.value, "clean_article")
        now = message.timestamp  # the record's own time: a replay gets the same verdict
        route, out = dedup_stage(deduper, record, now=now)
        if route == "duplicates":
            counted[out["dedup"]["status"]].inc()
        seen += 1
        if seen % 1000 == 0:
            deduper.expire(now)
        if seen % 50 == 1:  # cheap (in-memory index), but no need on every record
            DEDUP_INDEX_SIZE.set(deduper.indexed_count())
        return [Output(route, out["id"].encode(), encode(out))]

    return process


def tag_processor(settings: Settings) -> Processor:
    from akhbar.tagger import default_tagger

    tagger = default_tagger()
    policy = SizePolicy.of(settings)
    entity_counters: dict[tuple[str, str], Any] = {  # every known series exists from 0
        (kind, source): ENTITIES.labels(kind, source)
        for kind in ("PER", "LOC", "ORG") for source in ("gazetteer", "model")}
    latency = END_TO_END_SECONDS  # no labels: the child is the metric itself

    def process(message: Incoming) -> list[Output]:
        record = decode_trusted(message.value, "deduped_article")
        key = record["id"].encode()
        room = policy.output - record_size(key, None, tuple(carried_headers(message.headers)))
        out = bound_entities(tag_stage(tagger, record), max_entities=settings.max_entities,
                             max_bytes=room)
        for entity in (*out["title_entities"], *out["entities"]):
            label = (entity["type"], entity["source"])
            counter = entity_counters.get(label)
            if counter is None:
                counter = entity_counters[label] = ENTITIES.labels(*label)
            counter.inc()
        if out.get("entities_dropped"):
            ENTITIES_DROPPED.inc(out["entities_dropped"])
        if record.get("ingested_at"):
            latency.observe(max(0.0, time.time() - float(record["ingested_at"])))
        return [Output("enriched", key, encode(out))]

    return process


def processor_for(settings: Settings, stage: Stage,
                  signatures: MutableMapping[str, Any] | None = None) -> Processor:
    if stage == "clean":
        return clean_processor(settings)
    if stage == "tag":
        return tag_processor(settings)
    return dedup_processor(settings, {} if signatures is None else signatures)
