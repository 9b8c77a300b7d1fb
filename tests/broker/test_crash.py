"""Crash safety: SIGKILL every worker at seeded random moments and restart the broker once,
while ~2,000 articles flow; then every pushed record is accounted for exactly once.

The broker here is a dedicated one (:class:`RelBroker`), never the shared session broker.
The full-size run (>= 10,000 articles) is ``bench/reliability.py``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from akhbar.config import Settings
from akhbar.kafka.topics import ensure_topics
from tests.broker.relbroker import (
    ChaosPlan,
    ChaosWorkers,
    RelBroker,
    account,
    build_corpus,
    run_chaos,
    wait_accounted,
)

pytestmark = pytest.mark.slow  # over 30 s or a chaos run: tests/README.md

COUNT = 2000
SEED = 7


async def test_kills_and_broker_restart_lose_nothing(rel_broker: RelBroker, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    settings = Settings(bootstrap_servers=rel_broker.bootstrap, topic_prefix=f"c{tag}.",
                        group_prefix=f"c{tag}-", data_dir=tmp_path / "state", partitions=3)
    await ensure_topics(settings)
    pushed = build_corpus(COUNT, SEED)
    workers = ChaosWorkers(settings, tmp_path / "logs")
    try:
        workers.start("clean", "dedup", "tag")
        events = await run_chaos(settings, workers, rel_broker, pushed,
                                 ChaosPlan(chunks=10, kills_per_stage=1), seed=SEED)
        out, waited = await wait_accounted(settings, pushed, deadline_s=150.0)
    finally:
        workers.stop_all()
    acc = account(pushed, out)
    report = "\n".join([*events, f"drained {waited:.1f}s after the chaos", str(acc.summary())])
    print(report)

    assert sum("SIGKILL" in e for e in events) == 3, report
    assert rel_broker.restarts, report
    assert acc.lost == [], report
    assert acc.doubled == [], report
    assert acc.unexpected == [], report
    assert acc.inconsistent == [], report  # redeliveries carry identical content
    assert acc.enriched + acc.duplicates + acc.dead_letter == COUNT, report
    bad = sum(p.kind == "bad" for p in pushed)
    assert acc.dead_letter == bad, report
    assert acc.exact_pairs > 50 and acc.exact_pairs_ok == acc.exact_pairs, report
    assert acc.exact_pairs_exact >= 0.9 * acc.exact_pairs, report
    assert acc.near_pairs > 30 and acc.near_flagged >= 0.9 * acc.near_pairs, report
