"""Does Faust commit past a batch whose outputs could not be delivered? (It does.)

The evidence behind replacing Faust in the dedup worker (docs/architecture.md, Delivery).
Two runs on a real broker, each on fresh topics, one Faust worker process each:

* ``take``: an agent over ``stream.take_events(50, within=1)`` whose second batch fails
  the way an undeliverable output does (the handler raises). ``take_events`` acks the
  batch in a ``finally`` around its ``yield``, so the raise acks it, and the worker's
  shutdown commits it: the failed batch is never replayed.
* ``changelog``: an agent that writes each record to a table whose changelog topic refuses
  it (``max.message.bytes`` below the value size). The write goes through Faust's own
  producer; the failure crashes the app and the offsets of the failing records are
  committed anyway: the state is gone and the source is marked done.

    .venv/bin/python -m bench.faust_commit_past --bootstrap 127.0.0.1:9092

Prints, per run, how many records were pushed, how many the handler finished, and the
group's committed offset. A committed offset above "finished" is a commit past a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

RECORDS = 200
BATCH = 50


def worker(mode: str, bootstrap: str, prefix: str, data: str) -> None:
    """The Faust side (run in a subprocess): one agent, then exit when it crashes."""
    import faust

    app = faust.App(f"{prefix}app", broker=f"kafka://{bootstrap}", store="memory://",
                    datadir=data, key_serializer="raw", value_serializer="raw",
                    web_enabled=False, broker_commit_interval=0.2, topic_partitions=1,
                    consumer_auto_offset_reset="earliest")
    source = app.topic(f"{prefix}src")
    done = Path(data) / "finished"
    table = app.Table("state", partitions=1, value_type=bytes) if mode == "changelog" else None

    @app.agent(source)
    async def agent(stream: Any) -> None:
        finished = 0
        if mode == "take":
            batches = 0
            async for events in stream.take_events(BATCH, within=1.0):
                batches += 1
                if batches == 2:  # the outputs of this batch "could not be delivered"
                    raise RuntimeError("output undeliverable")
                finished += len(events)
                done.write_text(str(finished))
        else:
            assert table is not None
            async for event in stream.events():
                table[event.message.key.decode()] = b"x" * 4000  # over the changelog limit
                finished += 1
                done.write_text(str(finished))
                await asyncio.sleep(0.01)

    worker = faust.Worker(app, loglevel="warning", redirect_stdouts=False)
    worker.spinner = None
    worker.execute_from_commandline()


async def prepare(mode: str, bootstrap: str, prefix: str) -> None:
    """Fresh topics (the changelog one with a limit below the table's values), records."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    topics = [NewTopic(f"{prefix}src", 1, 1)]
    if mode == "changelog":  # Faust would create it without the limit; create it first
        topics.append(NewTopic(f"{prefix}app-state-changelog", 1, 1,
                               topic_configs={"max.message.bytes": "1000",
                                              "cleanup.policy": "compact"}))
    await admin.create_topics(topics)
    await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    for i in range(RECORDS):
        await producer.send(f"{prefix}src", b"v%d" % i, key=b"k%d" % i)
    await producer.stop()


async def inspect(bootstrap: str, prefix: str) -> int | None:
    """The group's committed offset on the source; the run's topics are deleted."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(f"{prefix}app")
        committed = offsets.get(TopicPartition(f"{prefix}src", 0))
        names = [t for t in await admin.list_topics() if t.startswith(prefix)]
        await admin.delete_topics(names)
    finally:
        await admin.close()
    return committed.offset if committed else None


def run(mode: str, bootstrap: str, seconds: float) -> dict[str, Any]:
    prefix = f"fcp{uuid.uuid4().hex[:6]}{mode}."
    asyncio.run(prepare(mode, bootstrap, prefix))
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.Popen([sys.executable, __file__, "--worker", mode, "--bootstrap",
                                 bootstrap, "--prefix", prefix, "--data", data],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:  # the worker does not exit by itself after the failure: stop it (SIGTERM)
            out, _ = proc.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.terminate()
            out, _ = proc.communicate(timeout=30)
        finished_file = Path(data) / "finished"
        finished = int(finished_file.read_text()) if finished_file.exists() else 0
    time.sleep(1.0)
    committed = asyncio.run(inspect(bootstrap, prefix))
    failures = [line for line in out.decode(errors="replace").splitlines()
                if "Crashed" in line or "Error" in line]
    return {"mode": mode, "pushed": RECORDS, "finished": finished, "committed": committed,
            "exit": proc.returncode, "failure_lines": len(failures),
            "first_failure": failures[0][:200] if failures else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS",
                                                              "127.0.0.1:9092"))
    parser.add_argument("--worker", choices=("take", "changelog"))
    parser.add_argument("--prefix")
    parser.add_argument("--data")
    parser.add_argument("--mode", choices=("take", "changelog", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="how long the worker runs before SIGTERM")
    args = parser.parse_args()
    if args.worker:
        sys.argv = [sys.argv[0], "worker"]  # what faust.Worker's command line expects
        worker(args.worker, args.bootstrap, args.prefix, args.data)
        return
    for mode in (("take", "changelog") if args.mode == "both" else (args.mode,)):
        print(run(mode, args.bootstrap, args.seconds), flush=True)


if __name__ == "__main__":
    main()
