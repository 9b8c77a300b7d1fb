"""Graceful shutdown: SIGTERM while records flow ends each worker promptly with exit code 0,
and a rolling restart (stop and start each worker in turn) loses and doubles nothing."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from akhbar.client import push
from akhbar.config import STAGES, Settings
from akhbar.kafka.topics import ensure_topics
from tests.broker.relbroker import ChaosWorkers, account, build_corpus, wait_accounted

pytestmark = pytest.mark.slow  # over 30 s or a chaos run: tests/README.md

COUNT = 600
STOP_BOUND_S = 30.0


async def test_sigterm_exits_cleanly_and_rolling_restart_loses_nothing(
    broker: str, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    settings = Settings(bootstrap_servers=broker, topic_prefix=f"s{tag}.",
                        group_prefix=f"s{tag}-", data_dir=tmp_path / "state", partitions=3)
    await ensure_topics(settings)
    pushed = build_corpus(COUNT, seed=11)
    workers = ChaosWorkers(settings, tmp_path / "logs")
    stops: dict[str, tuple[int | None, float]] = {}

    async def pusher() -> None:
        for start in range(0, COUNT, 50):
            await push(settings, [p.payload for p in pushed[start:start + 50]])
            await asyncio.sleep(0.5)

    async def rolling_restart() -> None:
        for stage in STAGES:
            await asyncio.sleep(2.0)  # records are in flight in every stage by now
            stops[stage] = await asyncio.to_thread(workers.terminate, stage, STOP_BOUND_S)
            await asyncio.to_thread(workers.start, stage)

    try:
        workers.start("clean", "dedup", "tag")
        await asyncio.gather(pusher(), rolling_restart())
        out, _ = await wait_accounted(settings, pushed, deadline_s=180.0)
    finally:
        workers.stop_all()
    acc = account(pushed, out)
    report = f"stops (exit code, seconds): {stops}\n{acc.summary()}"
    print(report)

    assert set(stops) == set(STAGES), report
    for stage, (code, seconds) in stops.items():
        assert code == 0, f"{stage} exited {code} after SIGTERM\n{workers.log(stage)}"
        assert seconds < STOP_BOUND_S, report
    assert acc.lost == [] and acc.doubled == [] and acc.unexpected == [], report
    assert acc.inconsistent == [], report
    assert acc.enriched + acc.duplicates + acc.dead_letter == COUNT, report
