"""A real Prometheus (Debian's binary) scrapes the three worker processes every second; its
HTTP API must count exactly what the pipeline did, and load and evaluate our alert rules.

Prometheus is required: ``prometheus_tool`` installs Debian's package if it is missing and
fails the test, never skips it, when that does not work.
"""

from __future__ import annotations

import asyncio
import json
import math
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from akhbar import inputs
from akhbar.client import push
from akhbar.config import STAGES, Settings, Stage, TopicRole
from akhbar.supervisor import WorkerSet, free_port
from tests.broker.collect import collect
from tests.support import REPO
from tests.support.corpus import raw_record
from tests.support.tools import prometheus_tool

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]

ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"
Vector = dict[tuple[tuple[str, str], ...], float]
# What ends the pipeline: every pushed record is produced to exactly one of these.
OUTCOMES = 'akhbar_records_produced_total{topic=~".+[.](enriched|duplicates|dead-letter)"}'
# The lag of the stages' source topics, as alerts.yml and the dashboard select it.
SOURCE_LAG = 'akhbar_consumer_lag_records{topic!~".+-(changelog|__assignor-__leader)"}'


class Prometheus:
    """Blocking calls to the HTTP API; the async test runs them in a thread."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str, **params: str) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=5) as reply:
            body = json.loads(reply.read())
        assert body["status"] == "success", body
        return body["data"]

    def query(self, promql: str) -> Vector:
        """Instant vector as {sorted labels: value}."""
        data = self.get("/api/v1/query", query=promql)
        assert data["resultType"] == "vector", data
        return {tuple(sorted(item["metric"].items())): float(item["value"][1])
                for item in data["result"]}

    def scalar(self, promql: str) -> float | None:
        result = self.query(promql)
        assert len(result) <= 1, result
        return next(iter(result.values()), None)

    def wait_for(self, promql: str, expected: float, timeout: float = 60.0) -> float | None:
        """Poll until the single value equals ``expected``; return the last value seen."""
        deadline = time.monotonic() + timeout
        value = self.scalar(promql)
        while value != expected and time.monotonic() < deadline:
            time.sleep(0.5)
            value = self.scalar(promql)
        return value


def scrape_config(ports: dict[Stage, int]) -> dict[str, Any]:
    """The akhbar job of deploy/prometheus/prometheus.yml, loopback targets, a 1 s interval.

(Its kafka-exporter job needs an exporter this machine cannot run; `akhbar lag` and
tests/broker/test_lag.py cover the broker's view of lag.)"""
    deployed = yaml.safe_load((REPO / "deploy/prometheus/prometheus.yml").read_text())
    (job,) = [j for j in deployed["scrape_configs"] if j["job_name"] == "akhbar"]
    job["static_configs"] = [{"targets": [f"127.0.0.1:{ports[stage]}"],
                              "labels": {"stage": stage}} for stage in STAGES]
    job["scrape_interval"] = "1s"
    return {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(ALERTS)], "scrape_configs": [job]}


@contextmanager
def running_prometheus(tmp_path: Path, ports: dict[Stage, int]) -> Iterator[Prometheus]:
    binary = prometheus_tool("prometheus")
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(scrape_config(ports)))
    port = free_port()
    log_path = tmp_path / "prometheus.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(binary), f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=1h"],
            stdout=log, stderr=subprocess.STDOUT)
    try:
        server = Prometheus(f"http://127.0.0.1:{port}")
        _wait_ready(server, proc, log_path)
        yield server
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(server: Prometheus, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"prometheus exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/-/ready", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"prometheus not ready in 60 s:\n{log.read_text()[-3000:]}")


def payloads(samples: list[Path]) -> list[bytes]:
    """The demo articles as `akhbar push` sends them, an exact copy of the first, one non-JSON."""
    assert len(samples) >= 3
    records = list(inputs.payloads([str(path) for path in samples]))
    copy = {**raw_record("copy-of-0", samples[0].read_text(encoding="utf-8")),
            "ingested_at": time.time()}  # stamped like the CLI's records, for the latency
    return [*records, orjson.dumps(copy), b"{not json"]


async def test_prometheus_counts_what_the_pipeline_did(
    settings: Settings, workers: WorkerSet, tmp_path: Path, sample_paths: list[Path]
) -> None:
    workers.start("clean", "dedup", "tag")
    with running_prometheus(tmp_path, dict(workers.ports)) as prom:
        assert await asyncio.to_thread(prom.wait_for, 'sum(up{job="akhbar"})', 3.0) == 3.0
        sent = await push(settings, payloads(sample_paths))
        found = await collect(settings, until=sent)
        outcomes: tuple[TopicRole, ...] = ("enriched", "duplicates", "dead-letter")
        counts = {role: len(found.get(role, [])) for role in outcomes}
        assert counts == {"enriched": len(sample_paths), "duplicates": 1, "dead-letter": 1}
        await asyncio.to_thread(_assert_counts, prom, settings, sent, counts)
        await asyncio.to_thread(_assert_rules_loaded, prom)
        workers.kill("tag")
        await asyncio.to_thread(_assert_worker_down_detected, prom)


def _assert_counts(prom: Prometheus, settings: Settings, sent: int,
                   counts: dict[TopicRole, int]) -> None:
    consumed = 'sum(akhbar_records_consumed_total{stage="clean"})'
    assert prom.wait_for(consumed, float(sent)) == sent
    assert prom.wait_for(f"sum({OUTCOMES})", float(sent)) == sent
    by_topic = prom.query(f"sum by (topic) ({OUTCOMES})")
    assert by_topic == {(("topic", settings.topic(role)),): float(n)
                        for role, n in counts.items()}
    clean_out = f'sum(akhbar_records_produced_total{{topic="{settings.topic("clean")}"}})'
    assert prom.scalar(clean_out) == prom.scalar(
        'sum(akhbar_records_consumed_total{stage="dedup"})') == sent - counts["dead-letter"]
    for stage in STAGES:  # every record consumed was timed by the processing histogram
        assert prom.scalar(f'sum(akhbar_processing_seconds_count{{stage="{stage}"}})') == \
            prom.scalar(f'sum(akhbar_records_consumed_total{{stage="{stage}"}})')
    assert prom.scalar('sum(akhbar_records_consumed_total{stage="tag"})') == counts["enriched"]
    assert prom.scalar("sum(akhbar_end_to_end_latency_seconds_count)") == counts["enriched"]
    # every known series exists from the start (at 0), so rate() sees first increments
    assert prom.query("sum by (kind) (akhbar_duplicates_total)") == {
        (("kind", "exact"),): 1.0, (("kind", "near"),): 0.0}
    assert prom.query("sum by (stage, reason) (akhbar_dead_letter_records_total) > 0") == {
        (("reason", "invalid_json"), ("stage", "clean")): 1.0}
    entities = prom.scalar("sum(akhbar_entities_total)")
    assert entities is not None and entities > 0
    by_source = prom.query("sum by (source) (akhbar_entities_total)")  # the articles have both
    assert sorted(dict(k)["source"] for k, v in by_source.items() if v > 0) == [
        "gazetteer", "model"]
    p99 = prom.scalar("histogram_quantile(0.99, sum by (le) "
                      "(rate(akhbar_end_to_end_latency_seconds_bucket[5m])))")
    assert p99 is not None and math.isfinite(p99) and p99 > 0
    assert prom.wait_for(f"sum({SOURCE_LAG})", 0.0) == 0.0  # drained
    lagging = prom.query(f"count by (stage) ({SOURCE_LAG})")  # lag exported per partition
    assert lagging == {(("stage", s),): float(settings.partitions) for s in STAGES}
    ready = prom.query("akhbar_worker_ready")
    assert sorted(dict(labels)["stage"] for labels, v in ready.items() if v == 1) == \
        sorted(STAGES)


def _assert_rules_loaded(prom: Prometheus) -> None:
    """alerts.yml loaded and evaluated against real series without errors; nothing fires."""
    deadline = time.monotonic() + 30
    rules: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rules = [r for g in prom.get("/api/v1/rules")["groups"] for r in g["rules"]]
        if rules and all(r.get("lastEvaluation", "").startswith("20") and
                         r["health"] == "ok" for r in rules):
            break
        time.sleep(0.5)
    assert {r["name"] for r in rules} >= {"AkhbarWorkerDown", "AkhbarEndToEndLatencyHigh"}
    assert [(r["name"], r["health"], r.get("lastError")) for r in rules
            if r["health"] != "ok"] == []
    assert [a for a in prom.get("/api/v1/alerts")["alerts"] if a["state"] == "firing"] == []


def _assert_worker_down_detected(prom: Prometheus) -> None:
    """SIGKILL the tag worker: its scrape fails and AkhbarWorkerDown goes pending for it."""
    assert prom.wait_for('sum(up{job="akhbar", stage="tag"})', 0.0, timeout=30) == 0.0
    deadline = time.monotonic() + 30
    pending: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not pending:
        pending = [a for a in prom.get("/api/v1/alerts")["alerts"]
                   if a["labels"]["alertname"] == "AkhbarWorkerDown"]
        time.sleep(0.5)
    assert [(a["labels"]["stage"], a["state"]) for a in pending] == [("tag", "pending")]
