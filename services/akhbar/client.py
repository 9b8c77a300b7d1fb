"""Python API of the clients: push raw articles, tail the enriched stream (aiokafka)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from akhbar.config import Settings, TopicRole
from akhbar.core.errors import RecordTooLarge
from akhbar.kafka.connection import aiokafka_options

Progress = Callable[[int], None]


def _key_of(payload: bytes) -> bytes | None:
    """Key by article id when the payload says it; the clean stage derives it otherwise."""
    try:
        obj = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    given = obj.get("id") if isinstance(obj, dict) else None
    return given.encode() if isinstance(given, str) else None


async def push(settings: Settings, payloads: Iterable[bytes], *,
               progress: Progress | None = None, role: TopicRole = "raw") -> int:
    """Send every payload to the raw topic, wait for all acks; return how many were sent."""
    producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all", linger_ms=5,
                                max_request_size=settings.max_record_bytes + 65536,
                                enable_idempotence=True)
    await producer.start()
    topic = settings.topic(role)
    sent = 0
    pending: list[asyncio.Future[Any]] = []
    try:
        for payload in payloads:
            key = _key_of(payload)
            check_size(settings, key, payload, sent + len(pending) + 1)
            pending.append(await producer.send(topic, payload, key=key))
            if len(pending) >= 1000:
                sent += await _settle(pending, progress)
        sent += await _settle(pending, progress)
    finally:
        await producer.stop()
    return sent


def check_size(settings: Settings, key: bytes | None, payload: bytes, number: int) -> None:
    """Refuse a record over AKHBAR_MAX_RECORD_BYTES before it is sent (the size policy of
    akhbar.kafka.sizes: the clean worker would dead-letter it as record_too_large)."""
    size = len(payload) + len(key or b"")
    if size > settings.max_record_bytes:
        raise RecordTooLarge(f"record {number} is {size:,} bytes, over the limit of "
                             f"{settings.max_record_bytes:,} bytes (AKHBAR_MAX_RECORD_BYTES); "
                             "nothing after it was sent")


async def _settle(pending: list[asyncio.Future[Any]], progress: Progress | None) -> int:
    await asyncio.gather(*pending)
    done = len(pending)
    pending.clear()
    if progress and done:
        progress(done)
    return done


async def tail(settings: Settings, *, roles: Sequence[TopicRole] = ("enriched",),
               from_beginning: bool = False, ready: asyncio.Event | None = None,
               max_records: int | None = None,
               idle_timeout: float | None = None) -> AsyncIterator[Any]:
    """Yield the messages of a topic (all partitions, no consumer group, no commits).

    Each item is an aiokafka ``ConsumerRecord``; use :func:`as_json` for the record itself.
    """
    consumer = AIOKafkaConsumer(**aiokafka_options(settings), enable_auto_commit=False,
                                group_id=None)
    await consumer.start()
    try:
        tps = await _all_partitions(consumer, [settings.topic(role) for role in roles])
        consumer.assign(tps)
        if from_beginning:
            await consumer.seek_to_beginning(*tps)
        else:
            await consumer.seek_to_end(*tps)
        for tp in tps:  # resolve the positions now, so "from the end" means before we return
            await consumer.position(tp)
        if ready is not None:
            ready.set()
        seen = 0
        idle_left = idle_timeout
        while max_records is None or seen < max_records:
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


async def _all_partitions(consumer: AIOKafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    # aiokafka has no public call for "partitions of a topic we do not subscribe to"
    cluster = await consumer._client.fetch_all_metadata()
    tps: list[TopicPartition] = []
    for topic in topics:
        partitions = cluster.partitions_for_topic(topic)
        if not partitions:
            raise LookupError(f"topic {topic} does not exist (run `akhbar topics create`)")
        tps.extend(TopicPartition(topic, p) for p in sorted(partitions))
    return tps


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
