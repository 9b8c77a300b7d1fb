"""Dedup state survives a worker crash: no duplicate slips through, no original is flagged."""

from __future__ import annotations

import asyncio
import signal

import orjson

from akhbar.client import push
from akhbar.config import Settings
from akhbar.supervisor import WorkerSet
from tests.broker.collect import collect
from tests.support.corpus import pseudo_articles, raw_record
from tests.support.variants import orthographic_variant


async def test_dedup_worker_killed_mid_stream_keeps_its_state(
    settings: Settings, workers: WorkerSet
) -> None:
    bodies = list(pseudo_articles(60))
    first = [orjson.dumps(raw_record(f"orig-{i}", b)) for i, b in enumerate(bodies[:40])]
    workers.start("clean", "dedup", "tag")
    await push(settings, first[:20])
    await _until_all_seen(settings, {f"orig-{i}" for i in range(20)})  # surely in the state
    await push(settings, first[20:])
    await asyncio.sleep(0.5)  # the second half is in flight
    workers.kill("dedup", signal.SIGKILL)
    workers.start("dedup")
    # Partitions are not ordered among themselves: copies pushed while originals still wait
    # in another partition could legitimately be "first seen". Let the originals through.
    await _until_all_seen(settings, {f"orig-{i}" for i in range(40)})

    copies = [orjson.dumps(raw_record(f"copy-{i}", orthographic_variant(b, seed=i)))
              for i, b in enumerate(bodies[:40])]
    fresh = [orjson.dumps(raw_record(f"orig-{i}", b)) for i, b in
             enumerate(bodies[40:], start=40)]
    redelivered = first[:5]  # same ids again: not duplicates of themselves
    await push(settings, [*copies, *fresh, *redelivered])

    expected_ids = {f"orig-{i}" for i in range(60)} | {f"copy-{i}" for i in range(40)}
    found = await _until_all_seen(settings, expected_ids)
    enriched = [orjson.loads(m.value) for m in found.get("enriched", [])]
    duplicates = [orjson.loads(m.value) for m in found.get("duplicates", [])]

    assert {r["id"] for r in enriched} == {f"orig-{i}" for i in range(60)}
    assert all(r["dedup"]["status"] == "unique" for r in enriched)
    assert {d["id"]: d["dedup"]["duplicate_of"] for d in duplicates} == {
        f"copy-{i}": f"orig-{i}" for i in range(40)}
    assert all(d["dedup"]["status"] == "exact" for d in duplicates)
    # at-least-once: a record may come twice, but always with the same content
    by_id: dict[str, bytes] = {}
    for message in found.get("enriched", []):
        record = orjson.loads(message.value)
        record.pop("ingested_at", None)
        content = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
        assert by_id.setdefault(record["id"], content) == content


async def _until_all_seen(settings: Settings, ids: set[str]) -> dict[str, list[object]]:
    """Collect until every id showed up somewhere (redeliveries make counts vary)."""
    for _ in range(60):
        found = await collect(settings, until=10**9, idle=2.0)
        seen = {orjson.loads(m.value)["id"] for msgs in found.values() for m in msgs}
        if ids <= seen:
            await asyncio.sleep(2.0)
            return await collect(settings, until=10**9, idle=3.0)
    raise AssertionError(f"missing after 120 s: {sorted(ids - seen)[:10]}")
