"""Run one stage: its own process and consumer group, a batched consume -> process -> produce
loop on aiokafka, offsets committed by hand.

At-least-once: a batch's offsets are committed only after every output of the batch (and,
for dedup, every state change) is acked by the broker, or its input is in the dead-letter
topic (:mod:`akhbar.workers.handler`). A crash, or an output that cannot be delivered at
all, replays from the last commit; replays are identical (ids come from the input, dedup
decides by the record's own timestamp and never calls an article a copy of itself, tagging
is deterministic).

Faust ran these loops before; it committed past outputs it could not deliver, both from a
``take()`` batch that raised and for table changelog writes the broker refused
(``bench/faust_commit_past.py``), and its per-event machinery cost more CPU than the stage
code in the dedup worker. The dedup state is now a dict with a changelog
(:mod:`akhbar.workers.store`).
"""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import gc
import logging
import logging.config
import signal
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaConnectionError

from akhbar.config import Settings, Stage, TopicRole
from akhbar.core.errors import OutputUndeliverable
from akhbar.kafka.connection import aiokafka_options, unreachable
from akhbar.kafka.sizes import SizePolicy
from akhbar.kafka.topics import ensure_topics
from akhbar.logs import logging_config
from akhbar.metrics import CONSUMER_LAG, WORKER_READY, WORKER_UP, stage_registry
from akhbar.workers import processors
from akhbar.workers.handler import Handler
from akhbar.workers.health import HealthState, serve
from akhbar.workers.sink import Incoming, KafkaSink
from akhbar.workers.store import CHANGELOG_CONFIG, ChangelogStore, changelog_topic, restore

log = logging.getLogger("akhbar.worker")

POLL_MS = 500
WATCH_SECONDS = 2.0
# The cyclic GC's full collections walk every long-lived object: the tagger's model and
# caches, the dedup index. In the tag worker they paused it for up to ~90 ms (p99 latency).
# Collect and freeze what is alive at start and again every FREEZE_EVERY records, between
# batches: later full collections walk only what is newer (max pause 18 ms measured).
FREEZE_EVERY = 2000
# Once the worker has closed (outputs acked, group left) only teardown is left. A teardown
# that hangs would hold the process until the orchestrator's SIGKILL, with no trace of why:
# after this long, every thread's stack goes to stderr and the process exits with status 1.
EXIT_WATCHDOG_S = 10.0


def settle_heap() -> None:
    """Collect cyclic garbage, then move every surviving object out of the GC's reach."""
    gc.collect()
    gc.freeze()


class Worker:
    """One stage's consumer, sink and handler; :meth:`start`, :meth:`run`, :meth:`close`."""

    def __init__(self, settings: Settings, stage: Stage, health: HealthState) -> None:
        self.settings = settings
        self.stage = stage
        self.health = health
        self.source = settings.topic(processors.SOURCE[stage])
        policy = SizePolicy.of(settings)
        self.sink = KafkaSink(settings)
        self.consumer = AIOKafkaConsumer(
            **aiokafka_options(settings), group_id=settings.group(stage),
            enable_auto_commit=False, auto_offset_reset="earliest",
            max_partition_fetch_bytes=policy.message, fetch_max_bytes=policy.fetch_max_bytes)
        self.store = ChangelogStore(changelog_topic(settings)) if stage == "dedup" else None
        self.handler: Handler | None = None
        self.batch_lock = asyncio.Lock()
        self.committing: asyncio.Task[None] | None = None
        self.stopping = asyncio.Event()
        self.ready = WORKER_READY.labels(stage=stage)
        self._lag_labels: set[tuple[str, str, str]] = set()

    async def start(self) -> None:
        """Topics, producer, state, consumer: raises BrokerUnreachable if Kafka is not there."""
        roles: tuple[TopicRole, ...] = (processors.SOURCE[self.stage],
                                        *processors.SINKS[self.stage], "dead-letter")
        internal = {self.store.topic: CHANGELOG_CONFIG} if self.store is not None else None
        await ensure_topics(self.settings, roles, internal=internal)
        process = processors.processor_for(self.settings, self.stage, self.store)
        try:
            await self.sink.start()
        except KafkaConnectionError as exc:
            raise unreachable(self.settings, exc) from exc
        if self.store is not None:
            records, seconds = await restore(self.settings, self.store)
            log.info("restored the dedup state: %d signatures from %d changelog records "
                     "in %.1f s", len(self.store), records, seconds,
                     extra={"stage": self.stage, "topic": self.store.topic})
        self.handler = Handler(self.settings, self.stage, process, self.sink,
                               on_delivering=self._delivering,
                               changelog=self.store.drain if self.store is not None else None)
        settle_heap()  # the tagger's model, the restored dedup state
        self.consumer.subscribe([self.source], listener=_Rebalance(self))
        try:
            await self.consumer.start()
        except KafkaConnectionError as exc:
            raise unreachable(self.settings, exc) from exc
        self.health.started = True

    async def run(self) -> None:
        """Batches until :meth:`stop`; raises OutputUndeliverable (nothing committed)."""
        assert self.handler is not None
        watcher = asyncio.create_task(self._watch())
        since_freeze = 0
        try:
            while not self.stopping.is_set():
                batch = await self.consumer.getmany(timeout_ms=POLL_MS,
                                                    max_records=self.settings.batch_max_records)
                if not batch:
                    continue
                async with self.batch_lock:
                    messages = [Incoming.of(m) for records in batch.values() for m in records]
                    await self.handler.handle(messages)
                    await self.commit({tp: records[-1].offset + 1
                                       for tp, records in batch.items() if records})
                since_freeze += len(messages)
                if since_freeze >= FREEZE_EVERY:
                    since_freeze = 0
                    settle_heap()
            await self.committed()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    def stop(self) -> None:
        self.stopping.set()

    async def close(self) -> None:
        """Leave the group (no commit: every batch committed itself) and flush the sink."""
        with contextlib.suppress(Exception):
            await self.consumer.stop()
        with contextlib.suppress(Exception):
            await self.sink.stop()

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        """Commit in the background: the next batch does not wait for the round trip.

        Commits stay in order (each waits for the one before), and :meth:`committed` (at a
        rebalance, at the end) waits for the last.
        """
        previous = self.committing
        if previous is not None and previous.done():
            previous.result()  # a commit that failed stops the worker here
        self.committing = asyncio.create_task(self._commit(offsets, previous))

    async def committed(self) -> None:
        if self.committing is not None:
            await self.committing

    async def _commit(self, offsets: dict[TopicPartition, int],
                      previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await previous
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # The group rebalanced while the batch ran: its partitions now belong to
            # another member, which replays from the last commit (identical outputs).
            log.warning("batch offsets not committed (%s); the partitions' new owner "
                        "replays them", type(exc).__name__, extra={"stage": self.stage})

    def _delivering(self, ok: bool) -> None:
        self.health.delivering = ok
        self.ready.set(1 if self.health.ready else 0)

    async def _watch(self) -> None:
        """Every 2 s: readiness (source partitions, broker reachable), lag per partition."""
        while True:
            self.health.reachable = await _broker_reachable(self.settings.bootstrap_servers)
            assigned = self.source_partitions()
            self.health.partitions = len(assigned)
            self.ready.set(1 if self.health.ready else 0)
            seen: set[tuple[str, str, str]] = set()
            for tp in assigned:
                try:
                    position = await asyncio.wait_for(self.consumer.position(tp), timeout=2.0)
                except Exception:
                    continue
                high = self.consumer.highwater(tp)
                if position is not None and high is not None:
                    labels: tuple[str, str, str] = (self.stage, tp.topic, str(tp.partition))
                    CONSUMER_LAG.labels(*labels).set(max(0, high - position))
                    seen.add(labels)
            for labels in self._lag_labels - seen:  # revoked: no stale lag
                with contextlib.suppress(KeyError):
                    CONSUMER_LAG.remove(*labels)
            self._lag_labels = seen
            await asyncio.sleep(WATCH_SECONDS)

    def source_partitions(self) -> list[TopicPartition]:
        return sorted((tp for tp in self.consumer.assignment() if tp.topic == self.source),
                      key=lambda tp: tp.partition)


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    """Let the batch in flight finish and commit before partitions move; log the moves."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.worker.batch_lock:
            await self.worker.committed()
        if revoked:
            log.info("partitions revoked: %s", _names(revoked),
                     extra={"stage": self.worker.stage})

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.worker.health.partitions = len(self.worker.source_partitions())
        log.info("partitions assigned: %s", _names(assigned) or "none",
                 extra={"stage": self.worker.stage, "group": self.worker.settings.group(
                     self.worker.stage)})


def _names(tps: Any) -> str:
    return ", ".join(f"{tp.topic}[{tp.partition}]"
                     for tp in sorted(tps, key=lambda tp: (tp.topic, tp.partition)))


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


async def _main(settings: Settings, stage: Stage, health: HealthState) -> None:
    worker = Worker(settings, stage, health)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, _stopper(worker, sig))
    try:
        await worker.start()
        health.alive = True
        WORKER_UP.labels(stage=stage).set(1)
        log.info("worker running", extra={"stage": stage, "source": worker.source,
                                          "group": settings.group(stage)})
        await worker.run()
    except OutputUndeliverable as exc:
        log.error("stopping without committing (%s): %s", type(exc).__name__, exc,
                  extra={"stage": stage, "error": type(exc).__name__})
        raise
    finally:
        health.alive = False
        WORKER_UP.labels(stage=stage).set(0)
        started = time.monotonic()
        await worker.close()
        log.info("worker stopped in %.1f s", time.monotonic() - started,
                 extra={"stage": stage})
        faulthandler.dump_traceback_later(EXIT_WATCHDOG_S, exit=True)


def _stopper(worker: Worker, sig: signal.Signals) -> Any:
    def stop() -> None:
        log.info("received %s, stopping after the batch in flight", sig.name,
                 extra={"stage": worker.stage})
        worker.stop()

    return stop


def run(settings: Settings, stage: Stage) -> None:
    """Run the worker until SIGTERM/SIGINT.

    Raises PortInUse (the HTTP port is taken), BrokerUnreachable (no broker at start) and
    OutputUndeliverable (an output and its dead letter both refused: nothing committed).
    """
    logging.config.dictConfig(logging_config(settings.log_level))
    health = HealthState()
    registry = stage_registry(stage)
    WORKER_READY.labels(stage=stage).set(0)
    server = serve(settings.http_host, settings.port_for(stage), health, registry)
    log.info("starting worker", extra={
        "stage": stage, "http": "{}:{}".format(*server.server_address[:2]),
        "group": settings.group(stage), "bootstrap": settings.bootstrap_servers,
        "max_record_bytes": settings.max_record_bytes,
        "max_body_bytes": settings.max_body_bytes})
    try:
        asyncio.run(_main(settings, stage, health))
    finally:
        server.shutdown()
        server.server_close()
        log.info("worker exiting", extra={"stage": stage})
