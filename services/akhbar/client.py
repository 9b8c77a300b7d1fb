"""Python API of the clients: push raw articles, tail a topic, create topics (aiokafka).

Every failure of the Kafka client leaves this module as an :class:`AkhbarError`:
:class:`BrokerUnreachable` (within ``AKHBAR_CONNECT_TIMEOUT_SECONDS``),
:class:`AuthenticationFailed` (SASL or TLS refused), :class:`TopicMissing`, or
:class:`KafkaUnavailable` for any other broker error, so callers catch one base class.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka import errors as kafka_errors
from aiokafka.admin import AIOKafkaAdminClient

from akhbar.config import Settings, TopicRole
from akhbar.core.errors import (
    AkhbarError,
    AuthenticationFailed,
    BrokerUnreachable,
    KafkaUnavailable,
    RecordTooLarge,
    TopicMissing,
)
from akhbar.kafka.connection import aiokafka_options

T = TypeVar("T")

Progress = Callable[[int], None]

_SASL_ERRORS = (kafka_errors.SaslAuthenticationFailed, kafka_errors.AuthenticationFailedError,
                kafka_errors.AuthenticationMethodNotSupported,
                kafka_errors.UnsupportedSaslMechanismError, kafka_errors.IllegalSaslStateError)
_ACCESS_ERRORS = (kafka_errors.TopicAuthorizationFailedError,
                  kafka_errors.GroupAuthorizationFailedError,
                  kafka_errors.ClusterAuthorizationFailedError)


class _Startable(Protocol):
    async def start(self) -> None: ...


class _ConnectErrors(logging.Handler):
    """aiokafka logs why each bootstrap server failed, then raises a bare "Unable to
    bootstrap": keep those causes (SASL refused, TLS handshake) to say which it was."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.causes: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        self.causes.extend(a for a in args if isinstance(a, BaseException))


@contextlib.contextmanager
def _connect_log(*, quiet: bool) -> Iterator[_ConnectErrors]:
    """Collect the causes aiokafka logs; while connecting, instead of printing them."""
    logger = logging.getLogger("aiokafka")
    seen = _ConnectErrors()
    quiet = quiet and not logging.getLogger().isEnabledFor(logging.DEBUG)  # --debug shows
    propagate = logger.propagate
    logger.addHandler(seen)
    if quiet:
        logger.propagate = False
    try:
        yield seen
    finally:
        logger.removeHandler(seen)
        logger.propagate = propagate


def translate(settings: Settings, exc: BaseException,
              causes: Sequence[BaseException] = ()) -> AkhbarError:
    """The AkhbarError a user should see for a Kafka client failure."""
    if isinstance(exc, AkhbarError):
        return exc
    servers = settings.bootstrap_servers
    for cause in (exc, *causes):
        if isinstance(cause, _SASL_ERRORS):
            return AuthenticationFailed(
                f"SASL authentication at {servers} failed ({type(cause).__name__}); check "
                f"AKHBAR_SECURITY_PROTOCOL ({settings.security_protocol}) and AKHBAR_SASL_*")
        if isinstance(cause, ssl.SSLError) or (
            "SSL" in settings.security_protocol and isinstance(cause, ConnectionResetError)
        ):
            detail = getattr(cause, "reason", None) or type(cause).__name__
            return AuthenticationFailed(
                f"TLS handshake with {servers} failed ({detail}); check "
                "AKHBAR_SECURITY_PROTOCOL and AKHBAR_SSL_CAFILE/_CERTFILE/_KEYFILE")
        if isinstance(cause, _ACCESS_ERRORS):
            return AuthenticationFailed(f"the broker at {servers} refused access: {cause}")
    if isinstance(exc, kafka_errors.MessageSizeTooLargeError):
        return RecordTooLarge(f"the broker refused a record as too large: {exc}")
    if isinstance(exc, kafka_errors.UnknownTopicOrPartitionError):
        return TopicMissing(f"a topic does not exist at {servers} (run `akhbar topics create`)")
    if isinstance(exc, (kafka_errors.KafkaConnectionError, kafka_errors.NodeNotReadyError,
                        kafka_errors.KafkaTimeoutError, kafka_errors.RequestTimedOutError,
                        TimeoutError, OSError)):
        if isinstance(exc, TimeoutError) and not causes:
            why = f" within {settings.connect_timeout_seconds:g}s (AKHBAR_CONNECT_TIMEOUT_SECONDS)"
        else:
            why = next((f" ({c})" for c in reversed(causes) if str(c)), f" ({exc})")
        return BrokerUnreachable(f"no Kafka broker answered at {servers}{why}; "
                                 "check AKHBAR_BOOTSTRAP_SERVERS")
    return KafkaUnavailable(f"Kafka at {servers}: {type(exc).__name__}: {exc}")


async def start(settings: Settings, client: _Startable) -> None:
    """Start an aiokafka client within the connect timeout, or stop it and raise the
    translated error (a client left unstopped prints "Unclosed AIOKafkaProducer")."""
    with _connect_log(quiet=True) as seen:
        try:
            await asyncio.wait_for(client.start(), settings.connect_timeout_seconds)
        except (kafka_errors.KafkaError, OSError, TimeoutError) as exc:
            await _stop(client)
            raise translate(settings, exc, seen.causes) from exc


async def _stop(client: Any) -> None:
    await (client.close() if isinstance(client, AIOKafkaAdminClient) else client.stop())


@contextlib.asynccontextmanager
async def kafka_errors_as_akhbar(settings: Settings) -> AsyncIterator[None]:
    """Turn a Kafka client error raised inside the block into an :class:`AkhbarError`."""
    with _connect_log(quiet=False) as seen:
        try:
            yield
        except (kafka_errors.KafkaError, OSError, TimeoutError) as exc:
            raise translate(settings, exc, seen.causes) from exc


async def retrying(settings: Settings, call: Callable[[], Awaitable[T]],
                   pause_seconds: float = 0.5) -> T:
    """``await call()``, again while it raises a retriable Kafka error (a coordinator
    still loading, as on a broker that has just started or thawed), up to the connect
    timeout; then the last error."""
    deadline = time.monotonic() + settings.connect_timeout_seconds
    while True:
        try:
            return await call()
        except kafka_errors.KafkaError as exc:
            if not exc.retriable or time.monotonic() + pause_seconds > deadline:
                raise
        await asyncio.sleep(pause_seconds)


async def create_topics(settings: Settings) -> list[str]:
    """``ensure_topics`` with readable errors and a bound on the time to reach the broker."""
    from akhbar.kafka.topics import ensure_topics

    probe = AIOKafkaAdminClient(**aiokafka_options(settings))
    await start(settings, probe)  # ensure_topics's own client waits 30 s per attempt
    await probe.close()
    async with kafka_errors_as_akhbar(settings):
        return await ensure_topics(settings)


def _key_of(payload: bytes) -> bytes | None:
    """Key by article id when the payload says it; the clean stage derives it otherwise."""
    try:
        obj = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    given = obj.get("id") if isinstance(obj, dict) else None
    return given.encode() if isinstance(given, str) else None


async def push(settings: Settings, payloads: Iterable[bytes], *,
               progress: Progress | None = None, role: TopicRole = "raw",
               topic: str | None = None) -> int:
    """Send every payload to the raw topic (or ``topic``, a full name), wait for all acks;
    return how many were sent.

    Payloads that are not already in memory (a list) are read in a thread of their own,
    so a slow source (a pipe on stdin) never holds the event loop: each record goes out
    within the producer's linger (5 ms) of being read, not when the next one arrives. A
    list skips the thread: handing each record across costs more than sending it.
    """
    producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all", linger_ms=5,
                                max_request_size=settings.max_record_bytes + 65536,
                                enable_idempotence=True)
    await start(settings, producer)
    topic = topic or settings.topic(role)
    acks = _Acks(progress)
    try:
        async with kafka_errors_as_akhbar(settings):
            await _require_topics(producer.client, [topic])
            source = _in_memory(payloads) if isinstance(payloads, Sequence) else (
                _read_in_thread(payloads))
            number = 0
            async for payload in source:
                acks.raise_first_failure()
                key = _key_of(payload)
                number += 1
                check_size(settings, key, payload, number)
                acks.add(await producer.send(topic, payload, key=key))
                if len(acks.pending) >= 1000:
                    await acks.settle()
            await acks.settle()
    finally:
        await producer.stop()
    return acks.done


def check_size(settings: Settings, key: bytes | None, payload: bytes, number: int) -> None:
    """Refuse a record over AKHBAR_MAX_RECORD_BYTES before it is sent (the size policy of
    akhbar.kafka.sizes: the clean worker would dead-letter it as record_too_large)."""
    size = len(payload) + len(key or b"")
    if size > settings.max_record_bytes:
        raise RecordTooLarge(f"record {number} is {size:,} bytes, over the limit of "
                             f"{settings.max_record_bytes:,} bytes (AKHBAR_MAX_RECORD_BYTES); "
                             "nothing after it was sent")


class _Acks:
    """Delivery futures of one push: progress per acked record, the first failure kept."""

    def __init__(self, progress: Progress | None) -> None:
        self.pending: list[asyncio.Future[Any]] = []
        self.done = 0
        self.progress = progress
        self.failure: BaseException | None = None

    def add(self, future: asyncio.Future[Any]) -> None:
        future.add_done_callback(self._acked)
        self.pending.append(future)

    def _acked(self, future: asyncio.Future[Any]) -> None:
        if future.cancelled():
            return
        if future.exception() is not None:
            self.failure = self.failure or future.exception()
            return
        self.done += 1
        if self.progress is not None:
            self.progress(1)

    def raise_first_failure(self) -> None:
        if self.failure is not None:
            raise self.failure

    async def settle(self) -> None:
        await asyncio.gather(*self.pending)
        self.pending.clear()


async def _in_memory(items: Sequence[bytes]) -> AsyncIterator[bytes]:
    for item in items:
        yield item


async def _read_in_thread(items: Iterable[bytes], depth: int = 1000) -> AsyncIterator[bytes]:
    """Iterate a blocking iterable in a daemon thread, at most ``depth`` items ahead."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[bool, Any]] = asyncio.Queue()
    room = threading.Semaphore(depth)
    stop = threading.Event()

    def hand_over(more: bool, value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: the reader was dropped
            loop.call_soon_threadsafe(queue.put_nowait, (more, value))

    def read() -> None:
        try:
            for item in items:
                while not room.acquire(timeout=0.2):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                hand_over(True, item)
            hand_over(False, None)
        except BaseException as exc:  # raised again in the event loop
            hand_over(False, exc)

    threading.Thread(target=read, name="akhbar-push-reader", daemon=True).start()
    try:
        while True:
            more, value = await queue.get()
            if not more:
                if value is not None:
                    raise value
                return
            room.release()
            yield value
    finally:
        stop.set()


async def tail(settings: Settings, *, roles: Sequence[TopicRole] = ("enriched",),
               topics: Sequence[str] | None = None,
               from_beginning: bool = False, until_end: bool = False,
               ready: asyncio.Event | None = None, max_records: int | None = None,
               idle_timeout: float | None = None) -> AsyncIterator[Any]:
    """Yield the messages of topics (all partitions, no consumer group, no commits).

    ``topics`` (full names) overrides ``roles``. ``until_end`` stops once every partition
    is read up to the end offset it had when the tail started (kcat's ``-e``).
    Each item is an aiokafka ``ConsumerRecord``; use :func:`as_json` for the record itself.
    """
    consumer = AIOKafkaConsumer(**aiokafka_options(settings), enable_auto_commit=False,
                                group_id=None)
    await start(settings, consumer)
    try:
        names = list(topics) if topics is not None else [settings.topic(r) for r in roles]
        async with kafka_errors_as_akhbar(settings):
            tps = await _all_partitions(consumer, names)
        consumer.assign(tps)
        async with kafka_errors_as_akhbar(settings):
            if from_beginning:
                await consumer.seek_to_beginning(*tps)
            else:
                await consumer.seek_to_end(*tps)
            for tp in tps:  # resolve the positions now: "from the end" means before we return
                await consumer.position(tp)
            ends = await consumer.end_offsets(tps) if until_end else {}
        if ready is not None:
            ready.set()
        seen = 0
        idle_left = idle_timeout
        while max_records is None or seen < max_records:
            if until_end and await _reached(consumer, ends):
                return
            async with kafka_errors_as_akhbar(settings):
                batch = await consumer.getmany(timeout_ms=500, max_records=500)
            if not batch:
                if idle_left is not None:
                    idle_left -= 0.5
                    if idle_left <= 0:
                        return
                continue
            idle_left = idle_timeout
            for messages in batch.values():
                for message in messages:
                    yield message
                    seen += 1
                    if max_records is not None and seen >= max_records:
                        return
    finally:
        await consumer.stop()


async def _reached(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return False
    return True


async def _all_partitions(consumer: AIOKafkaConsumer,
                          topics: list[str]) -> list[TopicPartition]:
    # aiokafka has no public call for "partitions of a topic we do not subscribe to"
    cluster = await _require_topics(consumer._client, topics)
    return [TopicPartition(topic, p) for topic in topics
            for p in sorted(cluster.partitions_for_topic(topic) or ())]


async def _require_topics(client: Any, topics: list[str]) -> Any:
    """Cluster metadata, or :class:`TopicMissing` at once (a send to a missing topic would
    wait 40 s for metadata, then fail with a bare UnknownTopicOrPartitionError)."""
    cluster = await client.fetch_all_metadata()
    missing = [topic for topic in topics if not cluster.partitions_for_topic(topic)]
    if missing:
        raise TopicMissing(f"topic {', '.join(missing)} does not exist "
                           "(run `akhbar topics create`, or check AKHBAR_TOPIC_PREFIX)")
    return cluster


def as_json(message: Any) -> dict[str, Any]:
    """The record of a message; dead letters (arbitrary bytes) come back with their headers."""
    headers = {k: v.decode("utf-8", "replace") for k, v in (message.headers or ())}
    try:
        value = orjson.loads(message.value)
        if headers.get("akhbar.dlq.reason") is None and isinstance(value, dict):
            return value
    except orjson.JSONDecodeError:
        value = None
    return {
        "key": message.key.decode("utf-8", "replace") if message.key else None,
        "value": value if value is not None else message.value.decode("utf-8", "replace"),
        "headers": headers,
        "source": f"{message.topic}[{message.partition}]@{message.offset}",
    }


@dataclasses.dataclass(frozen=True, slots=True)
class PartitionLag:
    """One partition a consumer group reads, as the broker sees it."""

    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group never committed here (it starts at the oldest)
    end: int
    oldest: int = 0  # where a group without a commit starts (auto.offset.reset=earliest)

    @property
    def lag(self) -> int:
        return max(0, self.end - (self.committed if self.committed is not None else self.oldest))


async def lag(settings: Settings, groups: Sequence[str] | None = None) -> list[PartitionLag]:
    """Committed against end offsets for each group (default: the three stages' groups).

    A stage's source topic is always listed, so a stage that never committed, or whose
    worker is gone, still shows how far behind it is: this is the broker's view, which a
    worker's own lag gauge cannot give once the worker is down.
    """
    from akhbar.config import STAGES
    from akhbar.workers.processors import SOURCE

    stage_of = {settings.group(stage): stage for stage in STAGES}
    wanted = list(groups) if groups else list(stage_of)
    admin = AIOKafkaAdminClient(**aiokafka_options(settings))
    await start(settings, admin)
    consumer = AIOKafkaConsumer(**aiokafka_options(settings), enable_auto_commit=False,
                                group_id=None)
    try:
        await start(settings, consumer)
        async with kafka_errors_as_akhbar(settings):
            committed: dict[str, dict[TopicPartition, int]] = {}
            for group in wanted:
                offsets = await retrying(
                    settings, functools.partial(admin.list_consumer_group_offsets, group))
                committed[group] = {tp: meta.offset for tp, meta in offsets.items()
                                    if meta.offset >= 0}
            sources = {group: settings.topic(SOURCE[stage_of[group]])
                       for group in wanted if group in stage_of}
            cluster = await consumer._client.fetch_all_metadata()
            per_group: dict[str, set[TopicPartition]] = {}
            for group in wanted:
                tps = set(committed[group])
                source = sources.get(group)
                tps |= {TopicPartition(source, p)
                        for p in cluster.partitions_for_topic(source) or ()} if source else set()
                per_group[group] = tps
            every = sorted(set().union(*per_group.values()))
            ends = await consumer.end_offsets(every) if every else {}
            starts = await consumer.beginning_offsets(every) if every else {}
    finally:
        await consumer.stop()
        await admin.close()
    return [PartitionLag(group, tp.topic, tp.partition,
                         committed[group].get(tp), ends[tp], starts[tp])
            for group in wanted for tp in sorted(per_group[group])]
