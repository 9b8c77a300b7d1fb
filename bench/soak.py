"""Soak: push at a steady rate for minutes while sampling each worker's RSS and the backlog.

Starts its own broker (scripts/kafka-local on free ports, temp data; never the shared one)
unless ``--bootstrap`` is given, the three workers, then pushes ``--rate`` distinct articles
per second for ``--minutes``, sampling every ``--sample`` seconds each worker's VmRSS (from
/proc/<pid>/status) and how many records reached enriched. Prints a JSON report with
first/last/max RSS per worker; after the push it waits ``--drain`` s for the backlog.

    .venv/bin/python -m bench.soak --rate 100 --minutes 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from tests.broker.relbroker import ChaosWorkers, RelBroker
from tests.support.corpus import anercorp_sentences, raw_record

from akhbar.client import _all_partitions
from akhbar.config import Settings
from akhbar.kafka.connection import aiokafka_options
from akhbar.kafka.topics import ensure_topics


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def articles(seed: int) -> Any:
    """Endless distinct articles: 12 random ANERcorp sentences each, unique ids."""
    sentences = anercorp_sentences()
    rng = random.Random(seed)
    index = 0
    while True:
        chosen = [sentences[i] for i in rng.sample(range(len(sentences)), 12)]
        body = "\n\n".join(" ".join(chosen[k:k + 3]) for k in range(0, 12, 3))
        yield orjson.dumps(raw_record(f"soak-{index}", body))
        index += 1


class Counter:
    def __init__(self) -> None:
        self.enriched = 0
        self.duplicates = 0
        self.dead = 0
        self.deduped = 0  # what the dedup stage indexed (unique articles), before tagging


async def count_outputs(settings: Settings, counter: Counter, stop: asyncio.Event) -> None:
    consumer = AIOKafkaConsumer(**aiokafka_options(settings), enable_auto_commit=False,
                                group_id=None)
    await consumer.start()
    try:
        roles = {settings.topic(r): r
                 for r in ("enriched", "duplicates", "dead-letter", "deduped")}
        tps = await _all_partitions(consumer, list(roles))
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            for tp, messages in batch.items():
                role = roles[tp.topic]
                if role == "enriched":
                    counter.enriched += len(messages)
                elif role == "duplicates":
                    counter.duplicates += len(messages)
                elif role == "deduped":
                    counter.deduped += len(messages)
                else:
                    counter.dead += len(messages)
    finally:
        await consumer.stop()


async def soak(args: argparse.Namespace, settings: Settings,
               workers: ChaosWorkers) -> dict[str, Any]:
    producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all", linger_ms=5,
                                enable_idempotence=True)
    await producer.start()
    counter, stop = Counter(), asyncio.Event()
    reader = asyncio.create_task(count_outputs(settings, counter, stop))
    source = articles(args.seed)
    samples: list[dict[str, Any]] = []
    pushed = 0
    t0 = time.monotonic()
    next_sample = 0.0
    push_until = args.minutes * 60.0
    try:
        while True:
            now = time.monotonic() - t0
            if now >= next_sample:
                samples.append({
                    "t": round(now), "pushed": pushed, "enriched": counter.enriched,
                    "duplicates": counter.duplicates, "dead": counter.dead,
                    "deduped": counter.deduped,
                    "rss_kib": {s: rss_kib(p.pid) for s, p in workers.procs.items()},
                    "alive": {s: p.poll() is None for s, p in workers.procs.items()},
                })
                print(json.dumps(samples[-1]), file=sys.stderr, flush=True)
                next_sample += args.sample
            if now < push_until:
                second = int(now)
                futures = [await producer.send(settings.topic("raw"), next(source),
                                               key=f"soak-{pushed + i}".encode())
                           for i in range(args.rate)]
                await asyncio.gather(*futures)
                pushed += args.rate
                await asyncio.sleep(max(0.0, second + 1 - (time.monotonic() - t0)))
            elif counter.enriched + counter.duplicates + counter.dead >= pushed or \
                    now >= push_until + args.drain:
                break
            else:
                await asyncio.sleep(1.0)
    finally:
        stop.set()
        await reader
        await producer.stop()
    end = time.monotonic() - t0
    per_worker: dict[str, dict[str, int | None]] = {}
    for stage in workers.procs:
        series = [s["rss_kib"][stage] for s in samples if s["rss_kib"][stage]]
        per_worker[stage] = {"first_kib": series[0] if series else None,
                             "last_kib": series[-1] if series else None,
                             "max_kib": max(series) if series else None}
    pushing = [s for s in samples if s["t"] <= push_until]
    return {
        "rate_per_s": args.rate, "minutes": args.minutes, "pushed": pushed,
        "outcomes": counter.enriched + counter.duplicates + counter.dead,
        "enriched": counter.enriched, "duplicates": counter.duplicates, "dead": counter.dead,
        "seconds": round(end, 1),
        "throughput_during_push_per_s": round(
            (pushing[-1]["enriched"] + pushing[-1]["duplicates"]) / max(1, pushing[-1]["t"]), 1)
        if pushing else None,
        "backlog_at_end_of_push": (pushing[-1]["pushed"] - pushing[-1]["enriched"]
                                   - pushing[-1]["duplicates"] - pushing[-1]["dead"])
        if pushing else None,
        "rss": per_worker,
        "all_alive": all(p.poll() is None for p in workers.procs.values()),
        "samples": samples,
    }


async def main_async(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    broker = None if args.bootstrap else RelBroker.create(folder / "kafka")
    bootstrap = args.bootstrap
    if broker is not None:
        broker.start()
        bootstrap = broker.bootstrap
    try:
        tag = uuid.uuid4().hex[:8]
        settings = Settings(bootstrap_servers=bootstrap,
                            topic_prefix=f"soak{tag}.", group_prefix=f"soak{tag}-",
                            data_dir=folder / "state", partitions=3)
        await ensure_topics(settings)
        workers = ChaosWorkers(settings, folder / "logs")
        try:
            workers.start("clean", "dedup", "tag")
            return await soak(args, settings, workers)
        finally:
            workers.stop_all()
    finally:
        if broker is not None:
            broker.remove()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=100, help="articles per second")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--drain", type=float, default=120.0,
                        help="seconds to wait for the backlog after the push")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--bootstrap", help="use this broker instead of starting one")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="akhbar-soak-") as folder:
        report = asyncio.run(main_async(args, Path(folder)))
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if report["all_alive"] else 1


if __name__ == "__main__":
    sys.exit(main())
