"""The worker shell on the real broker: headers travel, logs tell the truth, start-up
failures are one line, /readyz counts the source partitions, /metrics is the stage's own."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import urllib.request

import orjson
from aiokafka import AIOKafkaProducer

from akhbar.config import Settings
from akhbar.kafka.connection import aiokafka_options
from akhbar.kafka.dead_letter import decode_headers
from akhbar.supervisor import WorkerSet, free_port, worker_env
from tests.broker.collect import collect
from tests.support.corpus import pseudo_articles, raw_record

HEADERS = [("trace-id", b"abc-123"), ("tenant", b"\x00\x01")]


async def test_headers_travel_and_logs_tell_the_truth(settings: Settings,
                                                      workers: WorkerSet) -> None:
    workers.start("clean", "dedup", "tag")
    body = next(iter(pseudo_articles(1)))
    producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all")
    await producer.start()
    try:
        for key, value in ((b"h-1", orjson.dumps(raw_record("h-1", body))),
                           (b"h-2", orjson.dumps(raw_record("h-2", body))),  # a copy
                           (None, b"{not json")):
            await producer.send_and_wait(settings.topic("raw"), value, key=key,
                                         headers=HEADERS)
    finally:
        await producer.stop()
    found = await collect(settings, until=3, idle=30.0)
    for role in ("enriched", "duplicates"):
        [message] = found[role]
        assert list(message.headers) == HEADERS, role
    [letter] = found["dead-letter"]
    assert list(letter.headers)[:2] == HEADERS
    assert decode_headers(letter.headers)["akhbar.dlq.reason"] == "invalid_json"
    middle = await collect(settings, until=1, idle=5.0, roles=("deduped",))
    assert list(middle["deduped"][0].headers) == HEADERS

    ready = {}
    for stage, port in workers.ports.items():
        ready[stage] = (await asyncio.to_thread(_get, port, "/readyz")).strip()
        text = await asyncio.to_thread(_get, port, "/metrics")
        assert "process_cpu_seconds_total" in text
        assert ("akhbar_dedup_index_entries" in text) == (stage == "dedup")
        assert ("akhbar_end_to_end_latency_seconds" in text) == (stage == "tag")
    assert ready == {stage: f"{settings.partitions} partitions assigned"
                     for stage in ("clean", "dedup", "tag")}

    for stage in ("clean", "dedup", "tag"):
        workers.kill(stage, signal.SIGTERM)
    for stage in ("clean", "dedup", "tag"):
        entries = [json.loads(line) for line in workers.log(stage).splitlines()
                   if line.startswith("{")]
        levels = {e["level"] for e in entries}
        messages = " | ".join(e["msg"] for e in entries if e["level"] == "info")
        errors = [e["msg"] for e in entries if e["level"] == "error"]
        assert errors == [], (stage, errors)  # a normal first start and stop: no errors
        for expected in ("starting worker", "partitions assigned", "worker running",
                         "received SIGTERM", "worker stopped"):
            assert expected in messages, (stage, expected, messages)
        assert levels <= {"info", "warning"}, (stage, levels)


def _get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as reply:
        return str(reply.read().decode())


def _worker(stage: str, settings: Settings, port: int,
            **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "akhbar.cli", "worker", stage],
                          env=worker_env(settings, port) | env, capture_output=True,
                          text=True, timeout=120)


async def test_an_unreachable_broker_is_one_line(settings: Settings) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{closed.getsockname()[1]}"
    result = await asyncio.to_thread(_worker, "clean", settings, free_port(),
                                     AKHBAR_BOOTSTRAP_SERVERS=dead)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("akhbar: error: no Kafka broker answered at " + dead), last
    assert "AKHBAR_BOOTSTRAP_SERVERS" in last and "Traceback" not in result.stderr


async def test_a_metrics_port_in_use_is_one_line(settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = await asyncio.to_thread(_worker, "clean", settings, port)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        f"akhbar: error: 127.0.0.1:{port} is already in use (AKHBAR_HTTP_HOST, "
        "AKHBAR_HTTP_PORT): is another worker running here?")
    assert "Traceback" not in result.stderr
