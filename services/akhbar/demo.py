"""``akhbar demo``: the whole pipeline on a folder of articles, on a real local broker.

Starts the broker (scripts/kafka-local) unless AKHBAR_BOOTSTRAP_SERVERS names one, creates
the topics, starts the three workers as subprocesses (:mod:`akhbar.supervisor`), pushes the
folder, prints each record as it arrives on the enriched, duplicates and dead-letter topics,
then stops the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from akhbar.client import as_json, create_topics, push, tail
from akhbar.config import STAGES, Settings
from akhbar.core.errors import InputNotFound
from akhbar.inputs import expand, payloads
from akhbar.supervisor import WorkerSet, local_broker

REPO = Path(__file__).resolve().parents[2]
DEFAULT_ARTICLES = REPO / "examples" / "articles"


def run_demo(settings: Settings, folder: str | None) -> int:
    source = Path(folder) if folder else DEFAULT_ARTICLES
    if not source.exists():
        raise InputNotFound(f"no such folder: {source}")
    settings = _with_broker(settings)
    asyncio.run(create_topics(settings))
    logs = settings.data_dir / "logs"
    with WorkerSet(settings, logs) as workers:
        try:
            workers.start(*STAGES)
            print("workers ready: " + ", ".join(STAGES), file=sys.stderr)
            count = asyncio.run(_push_and_show(settings, source, settings.data_dir / "demo"))
        finally:
            print(f"stopping the workers; logs in {logs}/, broker left running "
                  "(scripts/kafka-local stop)", file=sys.stderr)
    return 0 if count else 1


def _with_broker(settings: Settings) -> Settings:
    """Use the user's cluster when AKHBAR_BOOTSTRAP_SERVERS is set, else start the local one."""
    if os.environ.get("AKHBAR_BOOTSTRAP_SERVERS"):
        return settings
    return replace(settings, bootstrap_servers=local_broker(quiet=False))


async def _push_and_show(settings: Settings, source: Path, out_dir: Path) -> int:
    """Push one file at a time and wait for its outputs before the next.

    "First seen wins" follows arrival order at the dedup worker, and records of one push
    land on different partitions; waiting per file makes a later file's copies meet their
    originals in the order a reader of the folder expects.
    """
    out_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before any I/O waits
    files = [path for path in expand([str(source)]) if path is not None]
    batches = [(path, items) for path in files if (items := list(payloads([str(path)])))]
    expected = sum(len(items) for _, items in batches)
    ready = asyncio.Event()
    progress = _Progress()
    reader = asyncio.create_task(
        _show(settings, expected, ready, out_dir / "results.jsonl", progress))
    await ready.wait()
    sent = 0
    for path, items in batches:
        print(f"-- {path.name}: pushing {len(items)} record(s)", file=sys.stderr)
        sent += await push(settings, items)
        await progress.wait_for(sent, reader)
    print(f"pushed {sent} records from {source}", file=sys.stderr)
    return await reader


class _Progress:
    """How many outputs the reader has seen; the pusher waits on it."""

    def __init__(self) -> None:
        self.seen = 0
        self.changed = asyncio.Event()

    def bump(self) -> None:
        self.seen += 1
        self.changed.set()

    async def wait_for(self, count: int, reader: asyncio.Task[int]) -> None:
        while self.seen < count and not reader.done():
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout=1.0)


async def _show(settings: Settings, expected: int, ready: asyncio.Event, path: Path,
                progress: _Progress) -> int:
    with path.open("wb") as out:
        async for message in tail(settings, roles=("enriched", "duplicates", "dead-letter"),
                                  ready=ready, max_records=expected, idle_timeout=120):
            record = as_json(message)
            out.write(orjson.dumps(record) + b"\n")
            print(_summary(message.topic, record))
            progress.bump()
    print(f"{progress.seen}/{expected} articles accounted for; full records in {path}",
          file=sys.stderr)
    return progress.seen


def _summary(topic: str, record: dict[str, Any]) -> str:
    role = topic.rsplit(".", 1)[-1]
    if "headers" in record:
        headers = record["headers"]
        return (f"[{role}] {headers.get('akhbar.dlq.reason')} at {record['source']}: "
                f"{headers.get('akhbar.dlq.message', '')[:100]}")
    dedup = record["dedup"]
    if dedup["status"] != "unique":
        return (f"[{role}] {record['id'][:12]} {dedup['status']} duplicate of "
                f"{dedup['duplicate_of'][:12]} (similarity {dedup['similarity']})")
    removed = ", ".join(f"{kind} {n}" for kind, n in sorted(record["removed"].items()))
    names = ", ".join(dict.fromkeys(
        f"{e['canonical']}/{e['type']}" + (f" {e['id']}" if e["id"] else "")
        for e in (*record.get("title_entities", ()), *record["entities"])))
    title = record["title"][:70] or record["text"][:70].replace("\n", " ") + "…"
    lines = [f"[{role}] {record['id'][:12]} {title}",
             f"    cleaned: {len(record['text'])} chars; removed: {removed or 'nothing'}"]
    dateline = record.get("dateline")
    if dateline:
        place, agency = dateline.get("place") or {}, dateline.get("agency") or {}
        lines.append(f"    dateline: {place.get('canonical') or place.get('text', '-')}"
                     f"{' ' + place['id'] if place.get('id') else ''}"
                     f" / {agency.get('canonical') or agency.get('text', '-')}")
    if record.get("signoff"):
        lines.append(f"    sign-off: {record['signoff']}")
    lines.append(f"    entities ({len(record['entities'])}): {names}")
    return "\n".join(lines)
