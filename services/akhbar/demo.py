"""``akhbar demo``: the whole pipeline on a folder of articles, on a real local broker.

Starts the broker (scripts/kafka-local) unless one answers, creates the topics, starts the
three workers as subprocesses, pushes the folder, prints each record as it arrives on the
enriched, duplicates and dead-letter topics, then stops the workers.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from akhbar.client import as_json, create_topics, push, tail
from akhbar.config import STAGES, Settings
from akhbar.core.errors import BrokerUnreachable, InputNotFound, WorkerFailed
from akhbar.inputs import payloads

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SAMPLES = REPO.parent / "shared" / "samples"


def run_demo(settings: Settings, folder: str | None) -> int:
    source = Path(folder) if folder else DEFAULT_SAMPLES
    if not source.exists():
        raise InputNotFound(f"no such folder: {source}")
    settings = _with_broker(settings)
    asyncio.run(create_topics(settings))
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "AKHBAR_BOOTSTRAP_SERVERS": settings.bootstrap_servers}
    workers = [_spawn(stage, logs, env) for stage in STAGES]
    try:
        _wait_ready(settings, dict(zip(STAGES, workers, strict=True)), logs, timeout=90.0)
        count = asyncio.run(_push_and_show(settings, source, settings.data_dir / "demo"))
        return 0 if count else 1
    finally:
        for proc in workers:
            proc.send_signal(signal.SIGTERM)
        for proc in workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        print(f"workers stopped; logs in {logs}/, broker left running "
              "(scripts/kafka-local stop)", file=sys.stderr)


def _with_broker(settings: Settings) -> Settings:
    """Use the user's cluster when AKHBAR_BOOTSTRAP_SERVERS is set, else start the local one."""
    if os.environ.get("AKHBAR_BOOTSTRAP_SERVERS"):
        return settings
    script = str(REPO / "scripts" / "kafka-local")
    try:
        subprocess.run([script, "start"], check=True)
        address = subprocess.run([script, "bootstrap"], check=True, capture_output=True,
                                 text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BrokerUnreachable(f"could not start the local broker ({exc}); its output is "
                                "above, or set AKHBAR_BOOTSTRAP_SERVERS") from exc
    return replace(settings, bootstrap_servers=address.stdout.strip())


def _spawn(stage: str, logs: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with (logs / f"{stage}.log").open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "akhbar.cli", "worker", stage],
                                stdout=log, stderr=subprocess.STDOUT, env=env)


def _wait_ready(settings: Settings, procs: dict[str, subprocess.Popen[bytes]], logs: Path, *,
                timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = set(STAGES)
    while pending and time.monotonic() < deadline:
        for stage in sorted(pending):
            if procs[stage].poll() is not None:
                tail = (logs / f"{stage}.log").read_text(errors="replace")[-2000:]
                raise WorkerFailed(f"the {stage} worker exited; its log ends with:\n{tail}")
            url = f"http://{settings.http_host}:{settings.port_for(stage)}/readyz"  # type: ignore[arg-type]
            try:
                with urllib.request.urlopen(url, timeout=1) as reply:
                    if reply.status == 200:
                        pending.discard(stage)
            except OSError:
                pass
        time.sleep(0.5)
    if pending:
        raise WorkerFailed(f"workers not ready after {timeout:.0f}s: {sorted(pending)}; "
                           f"logs in {logs}/")
    print("workers ready: " + ", ".join(STAGES), file=sys.stderr)


async def _push_and_show(settings: Settings, source: Path, out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before any I/O waits
    items = list(payloads([str(source)]))
    ready = asyncio.Event()
    reader = asyncio.create_task(_show(settings, len(items), ready, out_dir / "results.jsonl"))
    await ready.wait()
    sent = await push(settings, items)
    print(f"pushed {sent} articles from {source}", file=sys.stderr)
    return await reader


async def _show(settings: Settings, expected: int, ready: asyncio.Event, path: Path) -> int:
    seen = 0
    with path.open("wb") as out:
        async for message in tail(settings, roles=("enriched", "duplicates", "dead-letter"),
                                  ready=ready, max_records=expected, idle_timeout=120):
            record = as_json(message)
            out.write(orjson.dumps(record) + b"\n")
            print(_summary(message.topic, record))
            seen += 1
    print(f"{seen}/{expected} articles accounted for; full records in {path}", file=sys.stderr)
    return seen


def _summary(topic: str, record: dict[str, Any]) -> str:
    if "headers" in record:
        return f"[dead-letter] {record['headers'].get('akhbar.dlq.reason')}: {record['source']}"
    dedup = record["dedup"]
    if dedup["status"] != "unique":
        return (f"[{topic}] {record['id'][:12]} {dedup['status']} duplicate of "
                f"{dedup['duplicate_of'][:12]} (similarity {dedup['similarity']})")
    names = ", ".join(f"{e['canonical']}/{e['type']}" for e in record["entities"][:8])
    text = record["text"][:90].replace("\n", " ")
    return (f"[{topic}] {record['id'][:12]} {len(record['text'])} chars, "
            f"{len(record['entities'])} entities ({names})\n    {text}…")
