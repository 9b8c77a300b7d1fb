"""Issue 14, "done means": nothing is lost at the size limits.

A fresh broker with its default settings (``message.max.bytes`` 1 MiB), the three
workers with default settings (they create the topics), then one ``akhbar push`` of a
folder with: a normal article, one whose enriched record is over 1 MiB (thousands of
entity mentions), a 1.5 MB body, a 3 MB body and a 20 MB body. Each must end in enriched,
duplicates or dead-letter with a reason, or be refused by ``akhbar push`` in one readable
line, with no traceback.
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import pytest

from akhbar.config import Settings
from akhbar.kafka.sizes import SizePolicy
from akhbar.records import schema_errors
from akhbar.stages import article_id
from akhbar.supervisor import worker_env
from tests.broker.relbroker import (
    ChaosWorkers,
    Outputs,
    RelBroker,
    distinct_bodies,
    read_outputs,
)
from tests.support.corpus import anercorp_sentences, entity_heavy_body

pytestmark = [pytest.mark.timeout(600), pytest.mark.slow]


def body_of(size: int, seed: int) -> str:
    """Distinct paragraphs of ANERcorp sentences, about ``size`` UTF-8 bytes."""
    rng = random.Random(seed)
    sentences = anercorp_sentences()
    paragraphs: list[str] = []
    total = 0
    while total < size:
        paragraph = " ".join(rng.sample(sentences, 3)) + f" ({len(paragraphs)})"
        paragraphs.append(paragraph)
        total += len(paragraph.encode()) + 2
    return "\n\n".join(paragraphs)


async def test_every_article_at_the_size_limits_ends_somewhere(rel_broker: RelBroker,
                                                               tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    settings = Settings(bootstrap_servers=rel_broker.bootstrap, topic_prefix=f"z{tag}.",
                        group_prefix=f"z{tag}-", data_dir=tmp_path / "state", partitions=3)
    folder = tmp_path / "articles"
    folder.mkdir()
    bodies = {"1-normal.txt": distinct_bodies(1, seed=3)[0],
              "2-entities.txt": entity_heavy_body(),
              "3-body-1.5mb.txt": body_of(1_500_000, seed=1),
              "4-body-3mb.txt": body_of(3_000_000, seed=2),
              "5-body-20mb.txt": body_of(20_000_000, seed=4)}
    for name, body in bodies.items():
        (folder / name).write_text(body, encoding="utf-8")
    ids = {name: article_id({"source": "file", "title": "", "body": body})
           for name, body in bodies.items()}

    workers = ChaosWorkers(settings, tmp_path / "logs")
    try:
        workers.start("clean", "dedup", "tag")  # they create the topics, with the limits
        push = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "akhbar.cli", "push", str(folder)],
            env=worker_env(settings, 0), capture_output=True, text=True, timeout=300)
        out = await _wait_for(settings, want=4)
        alive = {stage: proc.poll() is None for stage, proc in workers.procs.items()}
    finally:
        workers.stop_all()

    # the 20 MB body: refused by push in one readable line naming the limit and setting
    assert push.returncode != 0, push
    lines = push.stderr.strip().splitlines()
    assert len(lines) == 1, push.stderr
    assert "Traceback" not in push.stderr + push.stdout
    assert "4,000,000" in lines[0] and "AKHBAR_MAX_RECORD_BYTES" in lines[0], lines[0]
    assert "record 5 is" in lines[0], lines[0]  # the fifth file in name order
    print(f"push: {lines[0]}")

    enriched = {r["id"]: r for r in out.records.get("enriched", [])}
    duplicates = {r["id"] for r in out.records.get("duplicates", [])}
    dead = {orjson.loads(value)["body"]: headers for value, headers in out.dead_pairs}
    places: dict[str, str] = {}
    for name, aid in ids.items():
        if aid in enriched:
            places[name] = "enriched"
        elif aid in duplicates:
            places[name] = "duplicates"
        elif bodies[name] in dead:
            places[name] = f"dead-letter ({dead[bodies[name]]['akhbar.dlq.reason']})"
        else:
            places[name] = "nowhere"
    print(places)
    assert places == {"1-normal.txt": "enriched", "2-entities.txt": "enriched",
                      "3-body-1.5mb.txt": "enriched",
                      "4-body-3mb.txt": "dead-letter (body_too_large)",
                      "5-body-20mb.txt": "nowhere"}  # never sent: refused by push
    assert len(out.dead_pairs) == 1  # the 3 MB body, once
    heavy = enriched[ids["2-entities.txt"]]
    size = len(orjson.dumps(heavy))
    assert size > 1024 * 1024, size  # over the broker's default limit, delivered anyway
    assert size <= SizePolicy.of(settings).output
    assert len(heavy["entities"]) > 5000
    for record in enriched.values():
        assert schema_errors("enriched_article", record) == []
    assert alive == {"clean": True, "dedup": True, "tag": True}
    for letter in out.dead_headers:
        assert schema_errors("dead_letter", letter) == []


async def _wait_for(settings: Settings, want: int, deadline_s: float = 240.0) -> Outputs:
    started = time.monotonic()
    while True:
        out = await read_outputs(settings, idle=2.0)
        got = sum(len(v) for v in out.enriched.values()) + \
            sum(len(v) for v in out.duplicates.values()) + len(out.dead_pairs)
        if got >= want or time.monotonic() - started > deadline_s:
            return out
