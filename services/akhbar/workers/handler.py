"""One batch of a worker, independent of the Kafka client: process, route, deliver, count.

For each consumed record the processor's outputs (or, when it rejects the record, a dead
letter with the original bytes) are queued on the :class:`~akhbar.workers.sink.Sink` as
soon as they are made, so batching adds no latency; then every delivery is awaited. A
stage with state (dedup) first writes the batch's state changes and awaits them, then sends
its outputs: no output is ever visible whose decision a replay could not find again. The
runtime commits the batch's offsets only after :meth:`Handler.handle` returns, so:

* an output the broker refuses is retried (retriable errors only, at most
  ``AKHBAR_PRODUCE_RETRIES`` times, each attempt bounded by ``AKHBAR_PRODUCE_TIMEOUT_MS``),
  then its input goes to the dead-letter topic as ``output_rejected`` with its bytes;
* if that fails too, :class:`OutputUndeliverable` propagates: the worker stops without
  committing, and a restart replays the batch (outputs already delivered come again,
  identical).

Every failed attempt counts in ``akhbar_output_failures_total{reason}`` and turns the
worker not ready until a batch is delivered in full again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import errors as kafka_errors

from akhbar import __version__
from akhbar.config import Settings, Stage, TopicRole
from akhbar.core.errors import REASONS, OutputUndeliverable, Reason, RejectedInput
from akhbar.kafka.dead_letter import Origin, dead_letter_headers
from akhbar.kafka.sizes import SizePolicy, record_size
from akhbar.metrics import (
    CONSUMED,
    CONSUMED_BYTES,
    DEAD_LETTERS,
    OUTPUT_FAILURE_REASONS,
    OUTPUT_FAILURES,
    PROCESSING_SECONDS,
    PRODUCED,
)
from akhbar.workers.processors import SINKS, SOURCE, Processor, carried_headers
from akhbar.workers.sink import Incoming, Sent, Sink

log = logging.getLogger("akhbar.worker")

Changelog = Callable[[], list[Sent]]
# Within a batch, the producer's sender gets the event loop at least this often: outputs
# leave at most ~5 ms after they are made, several to a produce request under load (fewer
# requests for the broker), one at a time when records come one by one.
YIELD_SECONDS = 0.005


def failure_reason(error: BaseException) -> str:
    """The ``reason`` label of an output failure (one of OUTPUT_FAILURE_REASONS)."""
    if isinstance(error, (kafka_errors.MessageSizeTooLargeError,
                          kafka_errors.RecordTooLargeError)):
        return "too_large"
    if isinstance(error, kafka_errors.UnknownTopicOrPartitionError):
        return "topic_missing"
    if isinstance(error, (kafka_errors.TopicAuthorizationFailedError,
                          kafka_errors.ClusterAuthorizationFailedError,
                          kafka_errors.TransactionalIdAuthorizationFailed)):
        return "not_authorized"
    if isinstance(error, (kafka_errors.KafkaTimeoutError, kafka_errors.RequestTimedOutError)):
        return "timeout"
    if getattr(error, "retriable", False):
        return "unavailable"
    return "other"


def retriable(error: BaseException) -> bool:
    """Whether another attempt can help: the broker said so, or we ran out of time."""
    return bool(getattr(error, "retriable", False)) or isinstance(
        error, (kafka_errors.KafkaTimeoutError, asyncio.TimeoutError))


@dataclass(slots=True)
class _Queued:
    sent: Sent
    role: TopicRole
    reason: Reason | None  # set for dead letters
    delivery: asyncio.Future[Any] | BaseException


@dataclass(slots=True)
class _Pending:
    message: Incoming
    queued: list[_Queued]


class Handler:
    """Processes batches of one stage and delivers their outputs through a sink."""

    def __init__(self, settings: Settings, stage: Stage, process: Processor, sink: Sink, *,
                 on_delivering: Callable[[bool], None] | None = None,
                 changelog: Changelog | None = None, backoff_seconds: float = 0.5) -> None:
        self.settings = settings
        self.stage = stage
        self.process = process
        self.sink = sink
        self.on_delivering = on_delivering
        self.changelog = changelog
        self.backoff = backoff_seconds
        self.retries = settings.produce_retries
        self.output_limit = SizePolicy.of(settings).output
        self.worker = f"{stage}@{__version__}"
        self.group = settings.group(stage)
        roles: tuple[TopicRole, ...] = (*SINKS[stage], "dead-letter")
        self.topics = {role: settings.topic(role) for role in roles}
        # metric children looked up once
        self.consumed = CONSUMED.labels(stage=stage, topic=settings.topic(SOURCE[stage]))
        self.consumed_bytes = CONSUMED_BYTES.labels(stage=stage)
        self.seconds = PROCESSING_SECONDS.labels(stage=stage)
        self.produced = {role: PRODUCED.labels(stage=stage, topic=self.topics[role])
                         for role in roles}
        self.dead = {reason: DEAD_LETTERS.labels(stage=stage, reason=reason)
                     for reason in REASONS}
        self.failures = {reason: OUTPUT_FAILURES.labels(stage=stage, reason=reason)
                         for reason in OUTPUT_FAILURE_REASONS}

    async def handle(self, batch: Sequence[Incoming]) -> None:
        """Deliver every record's outputs or its dead letter; raise if neither works."""
        if self.changelog is None:
            pending = await self._route_and_send(batch)
        else:
            pending = await self._state_then_outputs(batch, self.changelog)
        for item in pending:
            for queued in item.queued:
                error = await _settled(queued.delivery)
                if error is None:
                    self._count(queued.role, queued.reason)
                else:
                    await self._recover(item.message, queued, error)
        self._delivering(True)  # every output of the batch is in the broker now

    async def _route_and_send(self, batch: Sequence[Incoming]) -> list[_Pending]:
        """A stateless stage: each output leaves as soon as it is made."""
        pending: list[_Pending] = []
        last = len(batch) - 1
        yielded = time.perf_counter()
        for index, message in enumerate(batch):
            pending.append(await self._queue(message, self._route(message)))
            if index < last and time.perf_counter() - yielded >= YIELD_SECONDS:
                await asyncio.sleep(0)  # let the producer send what is queued
                yielded = time.perf_counter()
        return pending

    async def _state_then_outputs(self, batch: Sequence[Incoming],
                                  changelog: Changelog) -> list[_Pending]:
        """A stateful stage: the batch's state is in the broker before any output is.

        A verdict depends on what came before it, and after a crash the batch is replayed
        from the committed offsets in whatever order the partitions arrive. Were an output
        visible while its state was not, the replay could decide otherwise (the copy first,
        then the original as its copy) and the article would land in two topics. With the
        state written first, the replay finds every visible decision in the restored state.
        """
        routed = [(message, self._route(message)) for message in batch]
        state = [(sent, await self._send(sent)) for sent in changelog()]
        for sent, delivery in state:
            error = await _settled(delivery)
            if error is not None:
                error = await self._retry(sent, error)
                if error is not None:
                    raise OutputUndeliverable(
                        f"{self.stage}: state record for {sent.topic} not written: "
                        f"{type(error).__name__}: {error}") from error
        return [await self._queue(message, outputs) for message, outputs in routed]

    async def _queue(self, message: Incoming,
                     outputs: list[tuple[Sent, TopicRole, Reason | None]]) -> _Pending:
        """Hand one record's outputs to the sink; their deliveries are awaited later."""
        return _Pending(message, [_Queued(sent, role, reason, await self._send(sent))
                                  for sent, role, reason in outputs])

    # ------------------------------------------------------------------ routing

    def _route(self, message: Incoming) -> list[tuple[Sent, TopicRole, Reason | None]]:
        self.consumed.inc()
        self.consumed_bytes.inc(len(message.value or b""))
        started = time.perf_counter()
        carried = carried_headers(message.headers)
        try:
            outputs = self.process(message)
            for output in outputs:
                size = record_size(output.key, output.value, carried)
                if size > self.output_limit:
                    raise RejectedInput("record_too_large", f"the {output.role} record would be "
                                        f"{size:,} bytes, over the output limit of "
                                        f"{self.output_limit:,} (AKHBAR_MAX_RECORD_BYTES "
                                        "+ 16 KiB)")
        except Exception as exc:  # every failure is dead-lettered, never swallowed
            reason: Reason = exc.reason if isinstance(exc, RejectedInput) else "processing_error"
            self._log_rejection(message, reason, exc)
            return [(self._dead_letter(message, reason, str(exc), type(exc).__name__),
                     "dead-letter", reason)]
        finally:
            self.seconds.observe(time.perf_counter() - started)
        return [(Sent(self.topics[o.role], o.key, o.value, list(carried)), o.role, None)
                for o in outputs]

    def _dead_letter(self, message: Incoming, reason: Reason, text: str,
                     exception: str) -> Sent:
        origin = Origin(topic=message.topic, partition=message.partition,
                        offset=message.offset, timestamp_ms=message.timestamp_ms,
                        group=self.group, worker=self.worker, stage=self.stage)
        headers = dead_letter_headers(origin, reason=reason, message=text, exception=exception,
                                      original=message.headers,
                                      article_id=_article_id(message))
        return Sent(self.topics["dead-letter"], message.key, message.value, headers)

    def _log_rejection(self, message: Incoming, reason: Reason, exc: Exception) -> None:
        extra = {"stage": self.stage, "article_id": _article_id(message), "reason": reason,
                 "source": f"{message.topic}[{message.partition}]@{message.offset}"}
        if reason == "processing_error":
            log.error("dead-lettered after an unexpected error", exc_info=exc, extra=extra)
        else:
            log.warning("dead-lettered: %s", str(exc)[:200], extra=extra)

    # ------------------------------------------------------------------ delivery

    async def _send(self, sent: Sent) -> asyncio.Future[Any] | BaseException:
        try:
            return await self.sink.send(sent)
        except Exception as exc:  # e.g. no metadata for the topic in time, too large
            return exc

    async def _deliver(self, sent: Sent) -> BaseException | None:
        return await _settled(await self._send(sent))

    async def _retry(self, sent: Sent, error: BaseException) -> BaseException | None:
        """Count the failure; try again while retrying can help. None once delivered."""
        attempt = 0
        while True:
            self.failures[failure_reason(error)].inc()
            self._delivering(False)
            log.error("could not produce to %s (attempt %d): %s: %s", sent.topic, attempt + 1,
                      type(error).__name__, error,
                      extra={"stage": self.stage, "reason": failure_reason(error)})
            if attempt >= self.retries or not retriable(error):
                return error
            await asyncio.sleep(self.backoff * 2 ** attempt)
            attempt += 1
            retried = await self._deliver(sent)
            if retried is None:
                return None
            error = retried

    async def _recover(self, message: Incoming, queued: _Queued, error: BaseException) -> None:
        """An output failed: retry it, else dead-letter its input, else stop."""
        error_or_none = await self._retry(queued.sent, error)
        if error_or_none is None:
            self._count(queued.role, queued.reason)
            return
        error = error_or_none
        where = f"{message.topic}[{message.partition}]@{message.offset}"
        if queued.role == "dead-letter":
            raise OutputUndeliverable(
                f"{self.stage}: dead letter for {where} refused: "
                f"{type(error).__name__}: {error}") from error
        letter = self._dead_letter(
            message, "output_rejected",
            f"{queued.role} output to {queued.sent.topic} refused: "
            f"{type(error).__name__}: {error}", type(error).__name__)
        final = await self._deliver(letter)
        if final is not None:
            final = await self._retry(letter, final)
        if final is not None:
            raise OutputUndeliverable(
                f"{self.stage}: output of {where} refused ({type(error).__name__}) and its "
                f"dead letter too: {type(final).__name__}: {final}") from final
        log.error("dead-lettered as output_rejected after the %s output failed",
                  queued.role, extra={"stage": self.stage, "source": where,
                                      "article_id": _article_id(message)})
        self._count("dead-letter", "output_rejected")

    def _count(self, role: TopicRole, reason: Reason | None) -> None:
        self.produced[role].inc()
        if reason is not None:
            self.dead[reason].inc()

    def _delivering(self, ok: bool) -> None:
        if self.on_delivering is not None:
            self.on_delivering(ok)


async def _settled(delivery: asyncio.Future[Any] | BaseException) -> BaseException | None:
    if isinstance(delivery, BaseException):
        return delivery
    try:
        await delivery
    except Exception as exc:
        return exc
    return None


def _article_id(message: Incoming) -> str | None:
    return message.key.decode("utf-8", "replace") if message.key else None
