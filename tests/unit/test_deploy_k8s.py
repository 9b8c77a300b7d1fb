"""deploy/k8s: core kinds validated offline by kubernetes-validate (strict), the PodMonitor
and the KEDA ScaledObjects by schemas of our own, then the wiring between the manifests."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from akhbar.config import STAGES, Settings, Stage
from akhbar.workers.processors import SOURCE
from tests.support import REPO

K8S = REPO / "deploy" / "k8s"
# The oldest and the newest Kubernetes minor versions we claim to support.
KUBE_VERSIONS = ("1.29", kubernetes_validate.utils.latest_version())

DURATION = r"^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"
LABEL_NAME = r"^[a-zA-Z_][a-zA-Z0-9_]*$"
NAME = {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63}
METADATA = {
    "type": "object", "required": ["name", "namespace"],
    "properties": {"name": NAME, "namespace": NAME,
                   "labels": {"type": "object", "additionalProperties": {"type": "string"}}},
}

# After the PodMonitor CRD of prometheus-operator (v0.7x): the fields we use, typo-proof.
PODMONITOR_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "PodMonitor"},
        "metadata": METADATA,
        "spec": {
            "type": "object", "additionalProperties": False,
            "required": ["selector", "podMetricsEndpoints"],
            "properties": {
                "jobLabel": {"type": "string"},
                "selector": {"type": "object", "additionalProperties": False, "properties": {
                    "matchLabels": {"type": "object",
                                    "additionalProperties": {"type": "string"}}}},
                "namespaceSelector": {"type": "object", "additionalProperties": False,
                                      "properties": {"any": {"type": "boolean"},
                                                     "matchNames": {"type": "array",
                                                                    "items": NAME}}},
                "podMetricsEndpoints": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False, "required": ["port"],
                    "properties": {
                        "port": {"type": "string"},
                        "path": {"type": "string", "pattern": "^/"},
                        "interval": {"type": "string", "pattern": DURATION},
                        "scrapeTimeout": {"type": "string", "pattern": DURATION},
                        "honorLabels": {"type": "boolean"},
                        "relabelings": {"type": "array", "items": {
                            "type": "object", "additionalProperties": False,
                            "properties": {
                                "action": {"enum": ["replace", "keep", "drop", "labelmap",
                                                    "labeldrop", "labelkeep", "hashmod"]},
                                "sourceLabels": {"type": "array", "items": {
                                    "type": "string", "pattern": LABEL_NAME}},
                                "targetLabel": {"type": "string", "pattern": LABEL_NAME},
                                "regex": {"type": "string"},
                                "replacement": {"type": "string"},
                            }}},
                    }}},
            }},
    },
}

# After KEDA's ScaledObject CRD (v2.x) and its kafka scaler's documented metadata.
SCALEDOBJECT_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "metadata": METADATA,
        "spec": {
            "type": "object", "additionalProperties": False,
            "required": ["scaleTargetRef", "triggers"],
            "properties": {
                "scaleTargetRef": {"type": "object", "required": ["name"],
                                   "additionalProperties": False,
                                   "properties": {"name": NAME,
                                                  "kind": {"const": "Deployment"},
                                                  "apiVersion": {"const": "apps/v1"}}},
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "triggers": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["type", "metadata"],
                    "properties": {
                        "type": {"const": "kafka"},
                        "authenticationRef": {"type": "object", "required": ["name"]},
                        "metadata": {
                            "type": "object",
                            "required": ["bootstrapServers", "consumerGroup", "topic",
                                         "lagThreshold"],
                            "additionalProperties": False,
                            "properties": {
                                "bootstrapServers": {"type": "string", "minLength": 1},
                                "consumerGroup": {"type": "string", "minLength": 1},
                                "topic": {"type": "string", "minLength": 1},
                                "lagThreshold": {"type": "string", "pattern": "^[1-9][0-9]*$"},
                                "activationLagThreshold": {"type": "string",
                                                           "pattern": "^[0-9]+$"},
                                "offsetResetPolicy": {"enum": ["earliest", "latest"]},
                                "allowIdleConsumers": {"enum": ["true", "false"]},
                            }},
                    }}},
            }},
    },
}

# After the PrometheusRule CRD of prometheus-operator (v0.7x): groups of alerting rules.
RULE_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["expr"],
    "properties": {
        "alert": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$"},
        "record": {"type": "string"},
        "expr": {"type": "string", "minLength": 1},
        "for": {"type": "string", "pattern": DURATION},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
RULE_GROUP_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["name", "rules"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "interval": {"type": "string", "pattern": DURATION},
        "rules": {"type": "array", "minItems": 1, "items": RULE_SCHEMA},
    },
}
PROMETHEUSRULE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "PrometheusRule"},
        "metadata": METADATA,
        "spec": {"type": "object", "additionalProperties": False, "required": ["groups"],
                 "properties": {"groups": {"type": "array", "minItems": 1,
                                           "items": RULE_GROUP_SCHEMA}}},
    },
}

CUSTOM_SCHEMAS = {"PodMonitor": PODMONITOR_SCHEMA, "ScaledObject": SCALEDOBJECT_SCHEMA,
                  "PrometheusRule": PROMETHEUSRULE_SCHEMA}


@cache
def _parsed(name: str) -> list[dict[str, Any]]:
    text = (K8S / name).read_text(encoding="utf-8")
    return [doc for doc in yaml.safe_load_all(text) if doc]


def load(name: str) -> list[dict[str, Any]]:
    """The documents of one manifest file (a fresh copy: tests may change it)."""
    return copy.deepcopy(_parsed(name))


def manifests() -> list[tuple[str, dict[str, Any]]]:
    kustomization = load("kustomization.yaml")[0]
    return [(name, doc) for name in kustomization["resources"] for doc in load(name)]


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in manifests() if doc["kind"] == kind]


def deployment(stage: str) -> dict[str, Any]:
    (found,) = [d for d in of_kind("Deployment") if d["metadata"]["name"] == f"akhbar-{stage}"]
    return found


def settings_config_map() -> dict[str, Any]:
    (config,) = [c for c in of_kind("ConfigMap") if c["metadata"]["name"] == "akhbar-config"]
    return config


def container_env(stage: str) -> dict[str, str]:
    """What the worker's process sees: ConfigMap, Secret, then the container's own env."""
    config = settings_config_map()
    (secret,) = of_kind("Secret")
    (container,) = deployment(stage)["spec"]["template"]["spec"]["containers"]
    env = {**config["data"], **secret["stringData"]}
    env.update({item["name"]: item["value"] for item in container.get("env", [])})
    return env


def test_kustomization_lists_every_manifest() -> None:
    listed = set(load("kustomization.yaml")[0]["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


@pytest.mark.parametrize("version", KUBE_VERSIONS)
def test_core_kinds_validate_offline(version: str) -> None:
    core = [(name, doc) for name, doc in manifests() if doc["kind"] not in CUSTOM_SCHEMAS]
    assert {doc["kind"] for _, doc in core} == {"Namespace", "ConfigMap", "Secret",
                                                "Deployment", "Service"}
    for name, doc in core:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{name}: {doc['kind']} invalid for Kubernetes {version}: "
                        f"{'.'.join(map(str, exc.path))}: {exc.message}")


def test_validation_rejects_a_broken_deployment() -> None:
    """The validator is really looking: a typo in a probe is an error in strict mode."""
    broken = deployment("clean")
    broken["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBE_VERSIONS[-1], strict=True)


@pytest.mark.parametrize("kind", sorted(CUSTOM_SCHEMAS))
def test_custom_resources_match_our_schemas(kind: str) -> None:
    docs = of_kind(kind)
    assert docs
    validator = jsonschema.Draft202012Validator(CUSTOM_SCHEMAS[kind])
    jsonschema.Draft202012Validator.check_schema(CUSTOM_SCHEMAS[kind])
    for doc in docs:
        errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == [], f"{kind} {doc['metadata']['name']}"
    typo = {**docs[0], "spec": {**docs[0]["spec"], "selectr": {}}}
    assert not validator.is_valid(typo)


@pytest.mark.parametrize("stage", STAGES)
def test_deployment_probes_env_and_resources(stage: Stage) -> None:
    pod = deployment(stage)["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["worker", stage]
    settings = Settings.from_env(container_env(stage))  # every variable is a known setting
    assert settings.http_host == "0.0.0.0"
    (port,) = container["ports"]
    assert port["name"] == "metrics"
    assert port["containerPort"] == settings.port_for(stage)
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    resources = container["resources"]
    assert resources["requests"]["cpu"] and resources["requests"]["memory"]
    assert resources["limits"]["memory"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert str(settings.data_dir) in mounts  # writable state under a read-only root


def test_dedup_has_exactly_one_replica_and_no_autoscaler() -> None:
    spec = deployment("dedup")["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"]["type"] == "Recreate"  # never two owners of the index at once
    targets = {so["spec"]["scaleTargetRef"]["name"] for so in of_kind("ScaledObject")}
    assert targets == {"akhbar-clean", "akhbar-tag"}


@pytest.mark.parametrize("stage", ["clean", "tag"])
def test_scaled_objects_watch_the_stage_consumer_group(stage: Stage) -> None:
    (scaled,) = [so for so in of_kind("ScaledObject")
                 if so["spec"]["scaleTargetRef"]["name"] == f"akhbar-{stage}"]
    settings = Settings.from_env(container_env(stage))
    (trigger,) = scaled["spec"]["triggers"]
    meta = trigger["metadata"]
    assert meta["consumerGroup"] == settings.group(stage)
    assert meta["topic"] == settings.topic(SOURCE[stage])
    assert meta["bootstrapServers"] == settings.bootstrap_servers
    assert scaled["spec"]["maxReplicaCount"] <= settings.partitions
    assert "replicas" not in deployment(stage)["spec"]  # the HPA owns it


def test_pod_monitor_and_service_select_the_worker_pods() -> None:
    (monitor,) = [m for m in of_kind("PodMonitor") if m["metadata"]["name"] == "akhbar"]
    (service,) = of_kind("Service")
    pods = [deployment(stage)["spec"]["template"]["metadata"]["labels"] for stage in STAGES]
    for labels in pods:
        assert monitor["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert service["spec"]["selector"].items() <= labels.items()
        assert labels[monitor["spec"]["jobLabel"]] == "akhbar"  # job="akhbar" as in alerts
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["port"] == "metrics"
    assert endpoint["path"] == "/metrics"
    assert endpoint["relabelings"][0]["targetLabel"] == "stage"
    assert service["spec"]["ports"][0]["targetPort"] == "metrics"
    namespaces = {doc["metadata"].get("namespace") for _, doc in manifests()
                  if doc["kind"] != "Namespace"}
    assert namespaces == {"akhbar"}


def test_manifest_files_are_yaml_not_templates() -> None:
    """No Helm-style ``{{ }}``, except Prometheus's own in alert annotations and Grafana's
    legend formats inside the dashboard JSON, which are data, not templating of the file."""
    for path in sorted(Path(K8S).glob("*.yaml")):
        docs = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
        for doc in docs:
            if doc["kind"] == "PrometheusRule":
                for group in doc["spec"]["groups"]:
                    for rule in group["rules"]:
                        rule = {k: v for k, v in rule.items() if k != "annotations"}
                        assert "{{" not in str(rule), path.name
            elif doc["kind"] == "ConfigMap" and "akhbar.json" in doc["data"]:
                assert "{{" not in str(doc["metadata"]), path.name
            else:
                assert "{{" not in str(doc), path.name


def test_prometheus_rule_has_exactly_the_alerts_of_alerts_yml() -> None:
    """Generated by deploy/k8s/sync.py; stale after an edit of alerts.yml until re-run."""
    (rule,) = of_kind("PrometheusRule")
    source = yaml.safe_load((REPO / "deploy/prometheus/alerts.yml").read_text(encoding="utf-8"))
    assert rule["spec"]["groups"] == source["groups"], "run .venv/bin/python deploy/k8s/sync.py"
    assert {"AkhbarWorkerDown", "AkhbarStageNotConsuming"} <= {
        r["alert"] for g in rule["spec"]["groups"] for r in g["rules"]}


def test_dashboard_config_map_holds_the_dashboard_as_is() -> None:
    (board,) = [c for c in of_kind("ConfigMap")
                if c["metadata"]["name"] == "akhbar-grafana-dashboard"]
    source = (REPO / "deploy/grafana/dashboards/akhbar.json").read_text(encoding="utf-8")
    assert board["data"]["akhbar.json"] == source, "run .venv/bin/python deploy/k8s/sync.py"
    assert board["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(board["data"]["akhbar.json"])["uid"] == "akhbar-pipeline"


def test_kafka_exporter_reads_the_workers_broker_and_is_scraped_as_its_job() -> None:
    (exporter,) = [d for d in of_kind("Deployment")
                   if d["metadata"]["name"] == "akhbar-kafka-exporter"]
    pod = exporter["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["image"] == "danielqsj/kafka-exporter:v1.9.0"  # as in docker-compose.yml
    (env,) = container["env"]
    ref = env["valueFrom"]["configMapKeyRef"]
    config = settings_config_map()
    assert ref["name"] == config["metadata"]["name"] and ref["key"] in config["data"]
    assert f"--kafka.server=$({env['name']})" in container["args"]  # expanded by the kubelet
    group_prefix = Settings.from_env(config["data"]).group_prefix
    assert f"--group.filter=^{group_prefix}" in container["args"]
    (monitor,) = [m for m in of_kind("PodMonitor")
                  if m["metadata"]["name"] == "akhbar-kafka-exporter"]
    labels = pod["metadata"]["labels"]
    assert monitor["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert labels[monitor["spec"]["jobLabel"]] == "kafka-exporter"  # job in alerts.yml
    (worker_monitor,) = [m for m in of_kind("PodMonitor") if m["metadata"]["name"] == "akhbar"]
    assert not worker_monitor["spec"]["selector"]["matchLabels"].items() <= labels.items()
