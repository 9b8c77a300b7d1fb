"""Push → enriched latency through a pipe: ``akhbar push -`` against kcat on the same workers.

    .venv/bin/python -m bench.push_pipe [--rate 20] [--per-round 200] [--rounds 2]

One run, on one broker (``AKHBAR_BOOTSTRAP_SERVERS``, or ``scripts/kafka-local``'s): the three
workers on fresh topics, then rounds of kcat, akhbar, kcat, akhbar ... each fed the same
kind of pseudo-articles line by line through its stdin at ``--rate`` lines/s by a writer
thread. Each line carries ``ingested_at`` stamped just before it is written to the pipe;
latency = receipt on the enriched topic by this script's consumer − ``ingested_at``.
kcat runs with ``acks=all``, ``linger.ms=5`` and idempotence, as ``akhbar push`` does, and
with Nagle's algorithm off (``socket.nagle.disable=true``) as asyncio's sockets are: with
librdkafka's default (on) each small produce request waits for the delayed ACK, ~50 ms
more on loopback (measured with ``--measure-on raw``). A warm-up of 40
articles (not counted) goes first.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson
from tests.support.corpus import pseudo_articles

from akhbar.client import tail
from akhbar.config import Settings, TopicRole
from akhbar.kafka.topics import ensure_topics
from akhbar.supervisor import WorkerSet, local_broker, worker_env

KCAT_EXTRA: list[str] = []


def command(tool: str, settings: Settings) -> list[str]:
    if tool == "kcat":
        return ["kcat", "-P", "-b", settings.bootstrap_servers, "-t", settings.topic("raw"),
                "-K", "\t", "-X", "acks=all", "-X", "linger.ms=5", "-X", "enable.idempotence=true",
                "-X", "socket.nagle.disable=true", *KCAT_EXTRA]
    return [sys.executable, "-m", "akhbar.cli", "push", "-"]


def feed(tool: str, settings: Settings, env: dict[str, str], bodies: list[str], label: str,
         rate: float) -> None:
    """Write one line per article at ``rate``/s into the tool's stdin, then close it."""
    proc = subprocess.Popen(command(tool, settings), stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    time.sleep(1.0)  # let the client connect: its start-up is not what is measured
    started = time.monotonic()
    for index, body in enumerate(bodies):
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        article_id = f"{label}-{index}"
        value = orjson.dumps({"id": article_id, "url": None, "source": "bench", "title": "",
                              "body": body, "content_type": "text/plain",
                              "published_at": None, "ingested_at": time.time()})
        line = (article_id.encode() + b"\t" + value) if tool == "kcat" else value
        proc.stdin.write(line + b"\n")
        proc.stdin.flush()
    proc.stdin.close()
    if proc.wait(timeout=120) != 0:
        raise SystemExit(f"{tool} failed: {proc.stderr.read().decode() if proc.stderr else ''}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def measure(args: argparse.Namespace, settings: Settings, env: dict[str, str]) -> None:
    bodies = iter(pseudo_articles(40 + 2 * args.rounds * args.per_round))
    plan = [("kcat", "warmup", 40)]
    for round_index in range(args.rounds):
        plan += [("kcat", f"kcat{round_index}", args.per_round),
                 ("akhbar", f"akhbar{round_index}", args.per_round)]
    expected = sum(n for _, _, n in plan)
    latencies: dict[str, list[float]] = {}
    ready = asyncio.Event()

    async def consume() -> None:
        roles: tuple[TopicRole, ...] = (("raw",) if args.measure_on == "raw"
                                        else ("enriched", "duplicates", "dead-letter"))
        async for message in tail(settings, roles=roles,
                                  ready=ready, max_records=expected, idle_timeout=60):
            now = time.time()
            record = orjson.loads(message.value)
            tool = str(record.get("id", "?")).split("-")[0].rstrip("0123456789")
            latencies.setdefault(tool, []).append(now - record["ingested_at"])

    reader = asyncio.create_task(consume())
    await ready.wait()
    for tool, label, count in plan:
        chunk = [next(bodies) for _ in range(count)]
        await asyncio.to_thread(feed, tool, settings, env, chunk, label, args.rate)
        print(f"  fed {count} lines through {tool} ({label})", file=sys.stderr)
    await reader
    print(f"\nlatency to {args.measure_on}, rate {args.rate}/s, {args.per_round} lines x "
          f"{args.rounds} rounds per tool, {settings.partitions} partitions")
    print("| producer on the pipe | records | p50 | p90 | p99 | max |")
    print("|---|---:|---:|---:|---:|---:|")
    for tool in ("kcat", "akhbar"):
        values = latencies.get(tool, [])
        if not values:
            print(f"| {tool} | 0 | - | - | - | - |")
            continue
        row = " | ".join(f"{percentile(values, q) * 1000:.1f} ms" for q in (50, 90, 99, 100))
        print(f"| {'kcat -P' if tool == 'kcat' else 'akhbar push -'} | {len(values)} | {row} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="lines per second")
    parser.add_argument("--per-round", type=int, default=200, help="lines per tool per round")
    parser.add_argument("--rounds", type=int, default=2, help="kcat/akhbar alternations")
    parser.add_argument("--measure-on", choices=["enriched", "raw"], default="enriched",
                        help="raw: the producers' share alone (write to the pipe -> on raw)")
    parser.add_argument("--kcat-option", action="append", default=[], metavar="KEY=VALUE",
                        help="one more librdkafka property for kcat (-X), repeatable")
    args = parser.parse_args()
    KCAT_EXTRA.extend(x for option in args.kcat_option for x in ("-X", option))
    if shutil.which("kcat") is None:
        raise SystemExit("kcat not found (Debian: apt-get install kcat)")
    tag = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as work:
        settings = Settings(bootstrap_servers=local_broker(), topic_prefix=f"pipe{tag}.",
                            group_prefix=f"pipe{tag}-", partitions=3,
                            data_dir=Path(work) / "state")
        asyncio.run(ensure_topics(settings))
        workers = WorkerSet(settings, Path(work) / "logs")
        try:
            workers.start("clean", "dedup", "tag")
            env = worker_env(settings, 0)
            asyncio.run(measure(args, settings, env))
        finally:
            workers.stop_all()


if __name__ == "__main__":
    main()
