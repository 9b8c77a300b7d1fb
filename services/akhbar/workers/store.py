"""The dedup worker's state: a dict in memory, durable in a compacted changelog topic.

Every write (and delete) of the mapping is also queued as a changelog record (key = the
article id, value = the entry as JSON, a tombstone for a delete); the handler delivers
them with the batch's outputs, before the batch's offsets are committed, and a failure
stops the worker without committing. At start the worker reads the whole changelog back
(:func:`restore`), so the state after a crash is the state of the last committed batch,
and replaying the batches after it gives the same verdicts.

The topic is ``<group>-dedup-signatures-changelog`` with the record format Faust's table
used there (key: the id as a JSON string, value: the entry as JSON), so the state the
earlier Faust worker wrote is read back after an upgrade.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, MutableMapping
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from akhbar.config import Settings
from akhbar.kafka.connection import aiokafka_options
from akhbar.kafka.sizes import SizePolicy
from akhbar.workers.sink import Sent

log = logging.getLogger("akhbar.worker")

CHANGELOG_CONFIG = {"cleanup.policy": "compact"}


def changelog_topic(settings: Settings) -> str:
    return f"{settings.group('dedup')}-dedup-signatures-changelog"


class ChangelogStore(MutableMapping[str, Any]):
    """A dict whose changes are queued for the changelog (:meth:`drain`).

    Entries are kept as their JSON bytes (the changelog's own encoding) and decoded when
    read: a signature of 128 ints is ~1.4 kB so, against ~5 kB as Python objects, and
    the dedup stage reads a handful of entries per article (~5 µs each).
    """

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._data: dict[str, bytes] = {}
        self._changes: dict[str, bytes | None] = {}  # last change per key since the drain

    def __getitem__(self, key: str) -> Any:
        return orjson.loads(self._data[key])

    def __setitem__(self, key: str, value: Any) -> None:
        encoded = orjson.dumps(value)
        self._data[key] = encoded
        self._changes[key] = encoded

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._changes[key] = None

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str, default: Any = None) -> Any:  # the hot path: no exception
        encoded = self._data.get(key)
        return default if encoded is None else orjson.loads(encoded)

    def drain(self) -> list[Sent]:
        """The changelog records of every change since the last drain (one per key)."""
        out = [Sent(self.topic, orjson.dumps(key), value) for key, value in self._changes.items()]
        self._changes.clear()
        return out

    def load(self, key: bytes, value: bytes | None) -> bool:
        """Apply one changelog record (no change is queued); False if it is unreadable."""
        try:
            name = orjson.loads(key)
        except orjson.JSONDecodeError:
            return False
        if not isinstance(name, str):
            return False
        if value is None:
            self._data.pop(name, None)
            return True
        try:
            entry = orjson.loads(value)
        except orjson.JSONDecodeError:
            return False
        if not isinstance(entry, dict) or "hash" not in entry:
            return False
        self._data[name] = value
        return True


async def restore(settings: Settings, store: ChangelogStore) -> tuple[int, float]:
    """Read the changelog from the beginning to its end into ``store``: (records, seconds)."""
    started = time.monotonic()
    consumer = AIOKafkaConsumer(**aiokafka_options(settings), enable_auto_commit=False,
                                group_id=None,
                                max_partition_fetch_bytes=SizePolicy.of(settings).message,
                                fetch_max_bytes=SizePolicy.of(settings).fetch_max_bytes)
    await consumer.start()
    records = unreadable = 0
    try:
        # aiokafka has no public call for "partitions of a topic we do not subscribe to"
        cluster = await consumer._client.fetch_all_metadata()
        partitions = cluster.partitions_for_topic(store.topic) or set()
        tps = [TopicPartition(store.topic, p) for p in sorted(partitions)]
        if not tps:
            return 0, time.monotonic() - started
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=5000)
            for messages in batch.values():
                for message in messages:
                    records += 1
                    unreadable += not store.load(message.key or b"", message.value)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    if unreadable:
        log.warning("skipped %d unreadable changelog records", unreadable,
                    extra={"stage": "dedup", "topic": store.topic})
    return records, time.monotonic() - started
