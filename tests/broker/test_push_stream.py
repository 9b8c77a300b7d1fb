"""``akhbar push -`` sends each stdin line while stdin stays open (a pipe from a feed)."""

from __future__ import annotations

import asyncio
import sys
import time

import orjson

from akhbar.client import tail
from akhbar.config import Settings
from akhbar.supervisor import free_port, worker_env


async def test_each_stdin_line_is_sent_while_stdin_is_idle(settings: Settings) -> None:
    ready = asyncio.Event()
    arrived = [asyncio.Event(), asyncio.Event()]
    received: list[tuple[float, bytes]] = []

    async def read() -> None:
        async for message in tail(settings, roles=("raw",), ready=ready, max_records=2,
                                  idle_timeout=30):
            received.append((time.monotonic(), message.value))
            arrived[len(received) - 1].set()

    reader = asyncio.create_task(read())
    await ready.wait()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "akhbar.cli", "push", "-", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=worker_env(settings, free_port()))
    assert proc.stdin is not None
    try:
        for n in range(2):
            line = orjson.dumps({"id": f"line-{n}", "title": "", "body": "خبر"})
            written = time.monotonic()
            proc.stdin.write(line + b"\n")
            await proc.stdin.drain()
            try:  # stdin stays open: before, the line waited for the next one
                await asyncio.wait_for(arrived[n].wait(), 10)
            except TimeoutError:
                raise AssertionError("a line piped in was not sent while stdin was idle") from None
            assert received[n][0] - written < 2.0
            assert received[n][1] == line
        proc.stdin.close()  # end of input (communicate() without input leaves it open)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
    await reader
    assert proc.returncode == 0, err
    assert out.decode().strip() == f"sent 2 articles to {settings.topic('raw')}"
