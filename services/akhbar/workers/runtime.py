"""Build and run one stage as a Faust app: its own process and consumer group.

At-least-once: outputs are produced inside the agent; Faust flushes the producer (and
awaits the acks) before it commits the source offset, so a crash replays, never loses.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import faust

from akhbar import __version__
from akhbar.config import Settings, Stage, TopicRole
from akhbar.core.errors import REASONS, RejectedInput
from akhbar.kafka.connection import faust_broker_url, faust_credentials
from akhbar.kafka.dead_letter import Origin, dead_letter_headers
from akhbar.logs import logging_config
from akhbar.metrics import (
    CONSUMED,
    CONSUMED_BYTES,
    CONSUMER_LAG,
    DEAD_LETTERS,
    DUPLICATES,
    ENTITIES,
    PROCESSING_SECONDS,
    PRODUCED,
    WORKER_READY,
    WORKER_UP,
)
from akhbar.records import encode
from akhbar.workers import processors
from akhbar.workers.health import HealthState, serve

log = logging.getLogger("akhbar.worker")


def build_app(settings: Settings, stage: Stage, health: HealthState) -> faust.App:
    # Faust creates its datadir with a non-recursive mkdir: a fresh AKHBAR_DATA_DIR whose
    # parent does not exist yet (e.g. var/ on a new host) made the worker exit at start.
    (settings.data_dir / stage).mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.group(stage),
        broker=faust_broker_url(settings),
        broker_credentials=faust_credentials(settings),
        store="rocksdb://" if stage == "dedup" else "memory://",
        datadir=str(settings.data_dir / stage),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        producer_acks=-1,
        producer_linger=settings.producer_linger_ms / 1000,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=1.0,
        version=1,
    )
    process = _make_processor(settings, stage, app)
    source = app.topic(settings.topic(processors.SOURCE[stage]))
    sinks: dict[TopicRole, Any] = {
        role: app.topic(settings.topic(role))
        for role in (*processors.SINKS[stage], "dead-letter")
    }
    handle = _handler(settings, stage, process, sinks)
    _zero_series(settings, stage)

    @app.agent(source, name=f"akhbar-{stage}")
    async def agent(stream: Any) -> None:
        await _load_changelog_metadata(app)
        async for event in stream.events():
            await handle(event.message)

    @app.timer(interval=2.0)  # type: ignore[untyped-decorator]
    async def watch() -> None:
        await _refresh_health(app, stage, health, settings.bootstrap_servers,
                              source=settings.topic(processors.SOURCE[stage]))

    return app


async def _load_changelog_metadata(app: faust.App) -> None:
    """Fetch the producer's metadata of the table changelog topics before the first record.

    A table with ``use_partitioner=True`` picks the changelog partition of a write with
    aiokafka's ``producer._partition()``, which reads the metadata cache without waiting
    for it (faust/transport/drivers/aiokafka.py, ``Producer.key_partition``). After a
    restart the changelog topics already exist, nothing has fetched their metadata yet,
    and the first table writes raised ``TypeError: 'NoneType' object is not iterable``:
    valid articles were dead-lettered as ``processing_error``.
    """
    if not app.tables:
        return
    producer: Any = app.producer._ensure_producer()  # type: ignore[attr-defined]
    for table in app.tables.values():
        await producer.partitions_for(table.changelog_topic.get_topic_name())


def _zero_series(settings: Settings, stage: Stage) -> None:
    """Create every known series at 0, so rate() sees the first increment too."""
    CONSUMED.labels(stage=stage, topic=settings.topic(processors.SOURCE[stage]))
    for role in (*processors.SINKS[stage], "dead-letter"):
        PRODUCED.labels(stage=stage, topic=settings.topic(role))
    for reason in REASONS:
        DEAD_LETTERS.labels(stage=stage, reason=reason)
    PROCESSING_SECONDS.labels(stage=stage)
    CONSUMED_BYTES.labels(stage=stage)
    WORKER_READY.labels(stage=stage).set(0)
    if stage == "dedup":
        for kind in ("exact", "near"):
            DUPLICATES.labels(kind=kind)
    if stage == "tag":
        for entity_type in ("PER", "LOC", "ORG"):
            for source in ("gazetteer", "model"):
                ENTITIES.labels(type=entity_type, source=source)


def _make_processor(settings: Settings, stage: Stage, app: faust.App) -> processors.Processor:
    if stage == "clean":
        return processors.clean_processor(settings)
    if stage == "tag":
        return processors.tag_processor(settings)
    # use_partitioner: state is partitioned by key (article id), not by the partition of
    # the event being processed, so every lookup sees the whole table.
    signatures = app.Table("dedup-signatures", key_type=str, partitions=settings.partitions,
                           use_partitioner=True)
    return processors.dedup_processor(settings, signatures)


def _handler(settings: Settings, stage: Stage, process: processors.Processor,
             sinks: dict[TopicRole, Any]) -> Any:
    worker = f"{stage}@{__version__}"

    async def handle(message: Any) -> None:
        CONSUMED.labels(stage=stage, topic=message.topic).inc()
        CONSUMED_BYTES.labels(stage=stage).inc(len(message.value or b""))
        started = time.perf_counter()
        try:
            outputs = process(message.value, message.timestamp or time.time())
        except Exception as exc:  # every failure is dead-lettered, never swallowed
            await _dead_letter(settings, stage, worker, message, exc, sinks["dead-letter"])
            return
        finally:
            PROCESSING_SECONDS.labels(stage=stage).observe(time.perf_counter() - started)
        for role, record in outputs:
            await sinks[role].send(key=record["id"].encode(), value=encode(record))
            PRODUCED.labels(stage=stage, topic=settings.topic(role)).inc()

    return handle


async def _dead_letter(settings: Settings, stage: Stage, worker: str, message: Any,
                       exc: Exception, sink: Any) -> None:
    reason = exc.reason if isinstance(exc, RejectedInput) else "processing_error"
    origin = Origin(topic=message.topic, partition=message.partition, offset=message.offset,
                    timestamp_ms=int((message.timestamp or 0) * 1000),
                    group=settings.group(stage), worker=worker, stage=stage)
    article_id = message.key.decode("utf-8", "replace") if message.key else None
    headers = dead_letter_headers(origin, reason=reason, message=str(exc),
                                  exception=type(exc).__name__,
                                  original=list(message.headers or []), article_id=article_id)
    await sink.send(key=message.key, value=message.value, headers=headers)
    DEAD_LETTERS.labels(stage=stage, reason=reason).inc()
    PRODUCED.labels(stage=stage, topic=settings.topic("dead-letter")).inc()
    extra = {"stage": stage, "article_id": article_id, "reason": reason,
             "source": f"{message.topic}[{message.partition}]@{message.offset}"}
    if reason == "processing_error":
        log.error("dead-lettered after an unexpected error", exc_info=exc, extra=extra)
    else:
        log.warning("dead-lettered: %s", str(exc)[:200], extra=extra)


async def _broker_reachable(bootstrap: str) -> bool:
    """A TCP connect to any bootstrap server within a second."""
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 1.0)
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        return True
    return False


async def _refresh_health(app: faust.App, stage: Stage, health: HealthState,
                          bootstrap: str, *, source: str) -> None:
    """Ready = partitions assigned and the broker reachable; lag per partition."""
    consumer = app.consumer
    assignment = consumer.assignment()
    reachable = await _broker_reachable(bootstrap)
    health.ready = bool(assignment) and reachable
    health.detail = (f"{len(assignment)} partitions assigned" if assignment
                     else "no partitions") + ("" if reachable else ", broker unreachable")
    WORKER_READY.labels(stage=stage).set(1 if health.ready else 0)
    for tp in assignment:
        if tp.topic != source:  # Faust's changelog and assignor topics are not our lag
            continue
        try:
            position = await asyncio.wait_for(consumer.position(tp), timeout=2.0)
            high = consumer.highwater(tp)
        except Exception:
            continue
        if position is not None and high is not None:
            CONSUMER_LAG.labels(stage=stage, topic=tp.topic, partition=str(tp.partition)).set(
                max(0, high - position))


def run(settings: Settings, stage: Stage) -> None:
    """Run the worker until SIGTERM/SIGINT; Faust drains, commits and exits."""
    health = HealthState()
    server = serve(settings.http_host, settings.port_for(stage), health)
    app = build_app(settings, stage, health)
    health.alive = True
    WORKER_UP.labels(stage=stage).set(1)
    log.info("starting worker", extra={"stage": stage, "http": server.server_address,
                                       "group": settings.group(stage)})
    worker = faust.Worker(app, loglevel=settings.log_level.lower(),
                          logging_config=logging_config(settings.log_level),
                          redirect_stdouts=False, override_logging=True)
    # Faust's terminal spinner sets the root logger to DEBUG (its handler wants every
    # record), so each library's debug call built a LogRecord per message: ~4 % of a
    # worker's CPU, and escape codes in the JSON log. Logs are for machines here.
    worker.spinner = None
    try:
        worker.execute_from_commandline()
    finally:
        WORKER_UP.labels(stage=stage).set(0)
        server.shutdown()
