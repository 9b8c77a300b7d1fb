"""Where a worker's records go: the :class:`Sink` protocol, Kafka's, and an in-memory fake.

The handler only ever calls :meth:`Sink.send` and awaits the returned delivery; so its
routing, dead-lettering, retries and metrics are unit-tested against :class:`MemorySink`
(as httpx's ``MockTransport`` stands in for the network), and against Kafka in
``tests/broker/``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer

from akhbar.config import Settings
from akhbar.kafka.connection import aiokafka_options
from akhbar.kafka.sizes import SizePolicy

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Incoming:
    """One consumed record, independent of the client library."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()

    @classmethod
    def of(cls, message: Any) -> Incoming:
        """From an aiokafka ``ConsumerRecord``."""
        return cls(message.topic, message.partition, message.offset, message.timestamp or 0,
                   message.key, message.value, tuple(message.headers or ()))

    @property
    def timestamp(self) -> float:
        """Seconds; 0.0 when the record has none."""
        return self.timestamp_ms / 1000


@dataclass(frozen=True, slots=True)
class Sent:
    """One record handed to a sink."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: Headers = field(default_factory=list)


class Sink(Protocol):
    """Queue a record for a topic; the returned future resolves once the broker has it.

    ``send`` may raise (e.g. the topic's metadata cannot be found in time) or return a
    future that fails later (the broker refused the record): the handler treats both
    alike.
    """

    async def send(self, record: Sent) -> asyncio.Future[Any]: ...


class KafkaSink:
    """aiokafka's producer with the settings' limits: acks from every in-sync replica."""

    def __init__(self, settings: Settings) -> None:
        policy = SizePolicy.of(settings)
        # Not idempotent: aiokafka then retries a retriable error until the batch
        # expires (request_timeout_ms), which is the bound we want; an idempotent
        # producer retries forever.
        self.producer = AIOKafkaProducer(
            **aiokafka_options(settings), acks="all", linger_ms=settings.producer_linger_ms,
            max_request_size=policy.message, max_batch_size=256 * 1024,
            request_timeout_ms=settings.produce_timeout_ms, retry_backoff_ms=200)

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def send(self, record: Sent) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = await self.producer.send(
            record.topic, record.value, key=record.key, headers=record.headers or None)
        return future


Responder = Callable[[Sent], BaseException | None]


class MemorySink:
    """The fake: keeps what was delivered per topic; ``respond`` may fail a send.

    ``respond(record)`` returns ``None`` to accept it or an exception to fail its delivery
    (``raise_on_send=True`` raises it from ``send`` itself instead, as aiokafka does when
    a topic's metadata never arrives).
    """

    def __init__(self, respond: Responder | None = None, *, raise_on_send: bool = False) -> None:
        self.respond = respond
        self.raise_on_send = raise_on_send
        self.delivered: list[Sent] = []
        self.attempts: list[Sent] = []

    async def send(self, record: Sent) -> asyncio.Future[Any]:
        self.attempts.append(record)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        error = self.respond(record) if self.respond else None
        if error is None:
            self.delivered.append(record)
            future.set_result(len(self.delivered) - 1)
        elif self.raise_on_send:
            raise error
        else:
            future.set_exception(error)
        return future

    def on(self, topic: str) -> list[Sent]:
        return [r for r in self.delivered if r.topic == topic]

    def topics(self) -> Sequence[str]:
        return sorted({r.topic for r in self.delivered})
