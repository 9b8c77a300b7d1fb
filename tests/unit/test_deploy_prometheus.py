"""deploy/prometheus and the Grafana dashboard: promtool checks, alert unit tests, and every
PromQL expression naming only metrics that ``akhbar.metrics.REGISTRY`` defines.

promtool comes from Debian's ``prometheus`` package (``scripts/prometheus-local install``,
run by ``scripts/test``). It is required: these tests fail, never skip, without it.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from akhbar.metrics import REGISTRY
from tests.support import REPO
from tests.support.tools import prometheus_tool

PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "akhbar.json"

# Series that Prometheus itself adds to every scrape target; not ours to define.
SCRAPE_SERIES = frozenset({"up"})
# kafka-exporter's consumer-group series (the broker's view of lag), pinned image v1.9.0.
EXPORTER_SERIES = frozenset({"kafka_consumergroup_lag", "kafka_consumergroup_current_offset"})

PROMQL_KEYWORDS = frozenset({
    "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
    "and", "or", "unless", "atan2", "inf", "nan",
})


def promtool(*args: str, cwd: Path = PROMETHEUS_DIR) -> str:
    result = subprocess.run([str(prometheus_tool("promtool")), *args], cwd=cwd,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"promtool {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def registry_series_names() -> set[str]:
    """Every series name the registry can expose, whether or not a label set exists yet."""
    names: set[str] = set()
    for family in REGISTRY.collect():
        if family.type == "counter":
            names |= {f"{family.name}_total", f"{family.name}_created"}
        elif family.type == "histogram":
            names |= {f"{family.name}_{s}" for s in ("bucket", "sum", "count", "created")}
        elif family.type == "summary":
            names |= {family.name, f"{family.name}_sum", f"{family.name}_count"}
        else:
            names.add(family.name)
    return names


def metric_names(expr: str) -> set[str]:
    """Metric names referenced by a PromQL expression.

    Strings, label matchers ``{...}``, ranges ``[...]``, Grafana variables and the label
    clauses ``by``/``without``/``on``/``ignoring``/``group_*`` go first; what remains is an
    identifier not followed by ``(`` (a function) and not a keyword.
    """
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)
    text = re.sub(r"\{[^{}]*\}", " ", text)
    text = re.sub(r"\[[^\[\]]*\]", " ", text)
    text = re.sub(r"\$\{?\w+\}?", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()", text):
        word = match.group(1)
        if word.lower() not in PROMQL_KEYWORDS:
            names.add(word)
    return names


def alert_rules() -> list[dict[str, Any]]:
    doc = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text(encoding="utf-8"))
    return [rule for group in doc["groups"] for rule in group["rules"]]


def _panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))


def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def dashboard_exprs() -> list[str]:
    return [target["expr"] for panel in _panels(dashboard()["panels"])
            for target in panel.get("targets", [])]


def test_metric_name_extraction() -> None:
    expr = ('histogram_quantile(0.99, sum by (stage, le) (rate(akhbar_processing_seconds_bucket'
            '{stage=~"clean|tag", le!="x"}[$__rate_interval]))) > 0.25 and on(stage) '
            'up{job="akhbar"} == 0 or sum without (topic) (akhbar_consumer_lag_records offset 5m)')
    assert metric_names(expr) == {"akhbar_processing_seconds_bucket", "up",
                                  "akhbar_consumer_lag_records"}
    assert metric_names('{__name__="x"}') == set()


def test_registry_names_cover_suffixes() -> None:
    names = registry_series_names()
    assert {"akhbar_records_consumed_total", "akhbar_end_to_end_latency_seconds_bucket",
            "akhbar_processing_seconds_count", "akhbar_consumer_lag_records",
            "akhbar_build_info", "akhbar_dedup_index_entries"} <= names
    assert "akhbar_records_consumed" not in names  # a counter is only exposed as *_total


@pytest.mark.parametrize("source", ["alerts", "dashboard"])
def test_promql_references_only_registry_metrics(source: str) -> None:
    exprs = ([rule["expr"] for rule in alert_rules()] if source == "alerts"
             else dashboard_exprs())
    assert len(exprs) >= 6
    known = registry_series_names() | SCRAPE_SERIES | EXPORTER_SERIES
    used: set[str] = set()
    for expr in exprs:
        names = metric_names(expr)
        assert names, f"no metric name found in {expr!r}"
        assert names <= known, f"unknown metrics {sorted(names - known)} in {expr!r}"
        used |= names
    assert any(name.startswith("akhbar_") for name in used)


def test_dashboard_and_alerts_cover_every_metric_family() -> None:
    """No metric is defined but left out of both the dashboard and the alerts."""
    used = set().union(*(metric_names(e) for e in dashboard_exprs()),
                       *(metric_names(r["expr"]) for r in alert_rules()))
    families = {family.name for family in REGISTRY.collect()}
    unused = {f for f in families if not any(u.startswith(f) for u in used)}
    assert len(families) == 15
    assert unused == set()


def test_prometheus_config_is_valid() -> None:
    out = promtool("check", "config", "prometheus.yml")
    assert "SUCCESS: 1 rule files found" in out


def test_scrape_config_targets_the_three_workers_and_the_exporter() -> None:
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == {"akhbar", "kafka-exporter"}
    (exporter,) = jobs["kafka-exporter"]["static_configs"]
    assert exporter["targets"] == ["kafka-exporter:9308"]
    job = jobs["akhbar"]
    assert job["honor_labels"] is True
    targets = {group["labels"]["stage"]: group["targets"] for group in job["static_configs"]}
    assert targets == {"clean": ["clean:9101"], "dedup": ["dedup:9102"], "tag": ["tag:9103"]}


def test_alert_rules_are_valid() -> None:
    out = promtool("check", "rules", "alerts.yml")
    assert f"SUCCESS: {len(alert_rules())} rules found" in out


def test_alerts_cover_the_required_conditions() -> None:
    rules = {rule["alert"]: rule for rule in alert_rules()}
    assert {"AkhbarWorkerDown", "AkhbarWorkerNotReady", "AkhbarConsumerLagGrowing",
            "AkhbarDeadLetterRateHigh", "AkhbarEndToEndLatencyHigh", "AkhbarStageNotConsuming",
            "AkhbarBrokerLagGrowing", "AkhbarStageHasNoWorker",
            "AkhbarKafkaExporterDown", "AkhbarOutputRejected"} <= set(rules)
    assert "up{job=\"akhbar\"} == 0" in rules["AkhbarWorkerDown"]["expr"]
    assert "akhbar_output_failures_total" in rules["AkhbarOutputRejected"]["expr"]
    for name in ("AkhbarStageNotConsuming", "AkhbarBrokerLagGrowing"):  # the broker's view
        assert "kafka_consumergroup_lag" in rules[name]["expr"]
        assert "akhbar_consumer_lag_records" not in rules[name]["expr"]
    assert "> 0.25" in rules["AkhbarEndToEndLatencyHigh"]["expr"]  # p99 above 250 ms
    assert "histogram_quantile(0.99" in rules["AkhbarEndToEndLatencyHigh"]["expr"]
    for rule in rules.values():
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]


def test_alert_rules_fire_on_synthetic_series() -> None:
    """promtool's rule unit tests: each alert fires on its scenario and not on the control."""
    out = promtool("test", "rules", "alerts.test.yml")
    assert "SUCCESS" in out


def test_dashboard_queries_parse(tmp_path: Path) -> None:
    """Every dashboard query, as a recording rule, passes promtool's PromQL parser."""
    rules = [{"record": f"akhbar:dashboard_query_{i}:check",
              "expr": expr.replace("$__rate_interval", "1m")}
             for i, expr in enumerate(dashboard_exprs())]
    path = tmp_path / "dashboard-rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    out = promtool("check", "rules", str(path))
    assert f"SUCCESS: {len(rules)} rules found" in out


def test_dashboard_has_the_required_panels() -> None:
    board = dashboard()
    panels = {p["title"]: p for p in _panels(board["panels"]) if p["type"] != "row"}
    exprs = {title: " ".join(t["expr"] for t in p["targets"]) for title, p in panels.items()}
    assert "akhbar_records_consumed_total" in exprs["Consumed per stage"]
    assert "by (stage, reason)" in exprs["Dead letters by reason"]
    assert "by (kind)" in exprs["Duplicates by kind"]
    assert "by (type)" in exprs["Entities by type"]
    assert "histogram_quantile(0.5," in exprs["Processing time p50 / p99 per stage"]
    assert "histogram_quantile(0.99," in exprs["Processing time p50 / p99 per stage"]
    assert "histogram_quantile(0.99," in exprs["End-to-end latency p50 / p99"]
    assert "akhbar_consumer_lag_records" in exprs["Consumer lag"]
    assert "kafka_consumergroup_lag" in exprs["Consumer lag seen by the broker"]
    ids = [p["id"] for p in _panels(board["panels"])]
    assert len(ids) == len(set(ids))


def test_dashboard_has_datasource_stage_and_instance_variables() -> None:
    """No hard-coded datasource uid: a Grafana with another Prometheus uid works unchanged."""
    board = dashboard()
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    for name in ("stage", "instance"):
        assert variables[name]["type"] == "query"
        assert variables[name]["includeAll"] and variables[name]["multi"]
        assert variables[name]["datasource"]["uid"] == "${datasource}"
        assert 'up{job="akhbar"' in variables[name]["definition"]
    assert "$stage" in variables["instance"]["definition"]  # instances of the chosen stages
    text = json.dumps(board)
    uids = set(re.findall(r'"uid": "([^"]*)"', text)) - {board["uid"]}
    assert uids == {"${datasource}"}
    for panel in _panels(board["panels"]):
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == "${datasource}"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}"
            expr = target["expr"]
            selectors = re.findall(r"\b(?:akhbar_[a-z_]+|up)\{([^{}]*)\}", expr)
            names = {n for n in metric_names(expr) if n.startswith("akhbar_") or n == "up"}
            if names:  # every selector of our series follows the variables
                assert selectors and all('stage=~"$stage"' in s and 'instance=~"$instance"' in s
                                         for s in selectors), expr


def test_grafana_provisioning_points_at_the_dashboard_and_datasource() -> None:
    grafana = REPO / "deploy" / "grafana"
    source = yaml.safe_load((grafana / "provisioning/datasources/prometheus.yml").read_text())
    (datasource,) = source["datasources"]
    assert datasource["type"] == "prometheus"
    assert datasource["uid"] == "prometheus"  # what every dashboard panel refers to
    provider = yaml.safe_load((grafana / "provisioning/dashboards/akhbar.yml").read_text())
    (entry,) = provider["providers"]
    assert entry["type"] == "file"
    assert entry["options"]["path"] == "/etc/grafana/dashboards"  # docker-compose.yml mount
    assert dashboard()["uid"] == "akhbar-pipeline"
