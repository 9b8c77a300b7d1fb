"""CPU per record of one worker stage on a real broker, optionally under py-spy.

    .venv/bin/python -m bench.stage_cpu clean [--count 4000] [--noop] [--py-spy out.txt]

Starts ``akhbar worker <stage>`` (or, with ``--noop``, ``bench/noop_worker.py``: the
worker shell around a processor that does nothing) on fresh uuid topics, waits until it owns its
partitions, then pushes ``--count`` records of that stage's input (made like
``bench/e2e.py``'s articles, run through the earlier stages in this process) and reads the
worker's CPU from /proc before and after. ``AKHBAR_PRODUCER_LINGER_MS`` in the environment
is passed on. ``--py-spy`` records the worker while it works (``--format raw``).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import time
from pathlib import Path

from akhbar.client import push
from akhbar.config import STAGES, Settings, Stage
from akhbar.kafka.topics import ensure_topics
from akhbar.workers import processors
from akhbar.workers.sink import Incoming
from bench.e2e import (
    REPO,
    Proc,
    consume,
    delete_bench_topics,
    encode_all,
    make_records,
    new_settings,
    start_noop_worker,
    start_worker,
    wait_assigned,
)


def stage_inputs(settings: Settings, stage: Stage, count: int) -> list[bytes]:
    """Raw articles, cleaned (and deduplicated) in process up to ``stage``'s input."""
    values = encode_all(make_records(count, 3, "cpu"))
    for earlier in STAGES[: STAGES.index(stage)]:
        process = processors.processor_for(settings, earlier)
        kept: list[bytes] = []
        for offset, value in enumerate(values):
            try:
                outputs = process(Incoming("in", 0, offset, int(time.time() * 1000), None,
                                           value))
            except Exception:
                continue  # the worker would dead-letter it
            kept += [o.value for o in outputs if o.role != "duplicates"]
        values = kept
    return values


async def measure(args: argparse.Namespace) -> None:
    stage: Stage = "clean" if args.noop else args.stage
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (before anything runs)
    settings = new_settings(args.bootstrap, args.partitions, work, f"cpu{stage}")
    await ensure_topics(settings)
    payloads = stage_inputs(settings, stage, args.count)
    proc: Proc = (start_noop_worker(settings, work) if args.noop
                  else start_worker(settings, stage, work, stage))
    spy: subprocess.Popen[bytes] | None = None
    try:
        await wait_assigned([proc], args.partitions)
        ready = asyncio.Event()
        roles = (*processors.SINKS[stage], "dead-letter")
        collector = asyncio.create_task(consume(settings, roles, len(payloads), ready,
                                                from_beginning=True, idle=60.0))
        await ready.wait()
        if args.py_spy:
            spy = subprocess.Popen([str(REPO / ".venv" / "bin" / "py-spy"), "record",  # noqa: ASYNC220
                                    "--format", "raw", "-r", "200", "-o", args.py_spy,
                                    "--pid", str(proc.popen.pid)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            await asyncio.sleep(1.0)
        before, started = proc.cpu(), time.time()
        await push(settings, payloads, role=processors.SOURCE[stage])
        seen = await collector
        cpu = proc.cpu() - before
        total = sum(seen.counts.values())
        print(f"{proc.name}: {dict(seen.counts)} of {len(payloads)} in "
              f"{seen.last_received - started:.1f} s; worker CPU {cpu:.2f} s = "
              f"{cpu / max(total, 1) * 1000:.3f} ms per record", flush=True)
    finally:
        if spy is not None:
            spy.send_signal(2)
            spy.wait(30)
        proc.stop()
        await delete_bench_topics()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=STAGES)
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--noop", action="store_true",
                        help="the worker shell with a do-nothing processor (stage ignored)")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--py-spy", help="write a raw py-spy profile of the worker here")
    parser.add_argument("--work-dir", default="/tmp/akhbar-stage-cpu")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
