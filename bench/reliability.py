"""Full-size crash-safety run: >= 10,000 articles, SIGKILLed workers, a broker restart.

Starts its own broker (scripts/kafka-local on free ports, data in a temp folder: never the
shared one on 9092), the three workers, pushes the corpus of ``tests/broker/relbroker.py``
in chunks while killing each worker ``--kills`` times at seeded random moments and
restarting the broker once, then accounts for every record and prints a JSON report.

    .venv/bin/python -m bench.reliability --count 10000 --kills 3 --seed 1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.broker.relbroker import (
    ChaosPlan,
    ChaosWorkers,
    RelBroker,
    account,
    build_corpus,
    run_chaos,
    wait_accounted,
)

from akhbar.config import Settings
from akhbar.kafka.topics import ensure_topics


def _code_version() -> str:
    """Where the workers' code comes from (run from a frozen copy: see docs/reliability.md)."""
    import akhbar

    return str(Path(akhbar.__file__).resolve().parent)


async def run(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    broker = RelBroker.create(folder / "kafka")
    t0 = time.monotonic()
    broker.start()
    try:
        tag = uuid.uuid4().hex[:8]
        settings = Settings(bootstrap_servers=broker.bootstrap, topic_prefix=f"r{tag}.",
                            group_prefix=f"r{tag}-", data_dir=folder / "state",
                            partitions=args.partitions)
        await ensure_topics(settings)
        pushed = build_corpus(args.count, args.seed)
        workers = ChaosWorkers(settings, folder / "logs")
        try:
            workers.start("clean", "dedup", "tag")
            started = time.monotonic()
            plan = ChaosPlan(chunks=args.chunks, kills_per_stage=args.kills,
                             broker_restart=not args.no_broker_restart)
            events = await run_chaos(settings, workers, broker, pushed, plan, seed=args.seed)
            out, drained = await wait_accounted(settings, pushed, deadline_s=args.deadline)
            elapsed = time.monotonic() - started
        finally:
            workers.stop_all()
        acc = account(pushed, out)
        kinds: dict[str, int] = {}
        for p in pushed:
            kinds[p.kind] = kinds.get(p.kind, 0) + 1
        return {
            "count": args.count, "seed": args.seed, "partitions": args.partitions,
            "kills_per_stage": args.kills, "corpus": kinds,
            "seconds_chaos_to_accounted": round(elapsed, 1),
            "seconds_drain_after_chaos": round(drained, 1),
            "broker_restart_seconds": [round(s, 1) for s in broker.restarts],
            "total_seconds": round(time.monotonic() - t0, 1),
            "accounting": acc.summary(),
            "lost_sample": acc.lost[:20], "doubled_sample": acc.doubled[:20],
            "inconsistent_sample": acc.inconsistent[:20],
            "exact_pair_failures": acc.pair_failures[:20],
            "code": _code_version(),
            "events": events,
        }
    finally:
        broker.remove()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs per worker")
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--deadline", type=float, default=1800.0,
                        help="seconds to wait for the last records after the chaos")
    parser.add_argument("--no-broker-restart", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the JSON report here")
    parser.add_argument("--workdir", type=Path,
                        help="keep worker logs and state here (default: a deleted temp folder)")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        report = asyncio.run(run(args, args.workdir))
    else:
        with tempfile.TemporaryDirectory(prefix="akhbar-rel-") as folder:
            report = asyncio.run(run(args, Path(folder)))
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    acc = report["accounting"]
    assert isinstance(acc, dict)
    ok = not (acc["lost"] or acc["doubled"] or acc["inconsistent"] or acc["unexpected"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
