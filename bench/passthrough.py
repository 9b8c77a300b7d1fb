"""No-op passthrough: consume ``<prefix>raw``, produce the same bytes to ``<prefix>enriched``.

The transport ceiling for ``bench/e2e.py``: same broker, same topics and partitions, the same
delivery (acks=all, offsets committed only after the outputs are acked), no processing.
Batches with ``getmany``. Run as its own process so its CPU can be read from /proc:

    .venv/bin/python -m bench.passthrough --bootstrap 127.0.0.1:9092 --prefix bench1. \\
        --group bench1-passthrough --ready-file /tmp/pt.ready

It writes ``--ready-file`` once partitions are assigned and runs until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def passthrough(bootstrap: str, prefix: str, group: str, ready_file: Path,
                      max_records: int) -> int:
    consumer = AIOKafkaConsumer(
        f"{prefix}raw", bootstrap_servers=bootstrap, group_id=group,
        enable_auto_commit=False, auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024, fetch_max_bytes=16 * 1024 * 1024)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                                max_batch_size=256 * 1024, max_request_size=4_100_000)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await producer.start()
    await consumer.start()
    sink = f"{prefix}enriched"
    moved = 0
    announced = False
    try:
        while not stop.is_set():
            if not announced and consumer.assignment():
                text = f"{len(consumer.assignment())} partitions\n"
                await asyncio.to_thread(ready_file.write_text, text)
                announced = True
            batch = await consumer.getmany(timeout_ms=200, max_records=max_records)
            pending: list[asyncio.Future[Any]] = []
            for messages in batch.values():
                for message in messages:
                    pending.append(await producer.send(sink, message.value, key=message.key))
            if pending:
                await asyncio.gather(*pending)  # acked before the offsets are committed
                await consumer.commit()
                moved += len(pending)
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
        await producer.stop()
    return moved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--prefix", required=True, help="topic prefix (reads <p>raw)")
    parser.add_argument("--group", required=True)
    parser.add_argument("--ready-file", type=Path, required=True)
    parser.add_argument("--max-records", type=int, default=1000, help="per getmany")
    args = parser.parse_args()
    asyncio.run(passthrough(args.bootstrap, args.prefix, args.group, args.ready_file,
                            args.max_records))


if __name__ == "__main__":
    main()
