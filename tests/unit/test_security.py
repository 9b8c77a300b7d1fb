"""Security settings reach the Kafka clients; the HTTP endpoints bind where they are told."""

from __future__ import annotations

import http.client
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from akhbar.config import Settings
from akhbar.core.errors import ConfigError
from akhbar.kafka.connection import aiokafka_options
from akhbar.metrics import REGISTRY
from akhbar.workers import runtime
from akhbar.workers.health import HealthState, serve

PASSWORD = "s3cr3t-pw"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A self-signed CA (also used as the client certificate) made with the openssl CLI."""
    folder = tmp_path_factory.mktemp("pki")
    cert, key = folder / "client.pem", folder / "client.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=akhbar-test", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return {"AKHBAR_SSL_CAFILE": cert, "AKHBAR_SSL_CERTFILE": cert, "AKHBAR_SSL_KEYFILE": key}


def _env(pki: dict[str, Path], protocol: str, **extra: str) -> dict[str, str]:
    env = {k: str(v) for k, v in pki.items()} | {"AKHBAR_SECURITY_PROTOCOL": protocol}
    return env | extra


SASL = {"AKHBAR_SASL_MECHANISM": "SCRAM-SHA-512", "AKHBAR_SASL_USERNAME": "ingest",
        "AKHBAR_SASL_PASSWORD": PASSWORD}


def _assert_verifying(context: Any) -> None:
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] >= 1  # our CA file was loaded


def test_sasl_ssl_reaches_aiokafka_options(pki: dict[str, Path]) -> None:
    settings = Settings.from_env(_env(pki, "SASL_SSL", **SASL))
    options = aiokafka_options(settings)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "ingest"
    assert options["sasl_plain_password"] == PASSWORD  # revealed only here
    _assert_verifying(options["ssl_context"])
    assert PASSWORD not in repr(settings)  # but never in reprs or logs


def test_ssl_only_has_a_context_and_no_sasl(pki: dict[str, Path]) -> None:
    options = aiokafka_options(Settings.from_env(_env(pki, "SSL")))
    assert options["security_protocol"] == "SSL"
    _assert_verifying(options["ssl_context"])
    assert not {k for k in options if k.startswith("sasl")}


def test_plaintext_has_no_security_options() -> None:
    options = aiokafka_options(Settings.from_env({}))
    assert options == {"bootstrap_servers": "127.0.0.1:9092", "security_protocol": "PLAINTEXT"}


async def test_aiokafka_clients_accept_the_options(pki: dict[str, Path]) -> None:
    settings = Settings.from_env(_env(pki, "SASL_SSL", **SASL))
    producer = AIOKafkaProducer(**aiokafka_options(settings))
    consumer = AIOKafkaConsumer(**aiokafka_options(settings), group_id=None)
    try:
        for client in (producer.client, consumer._client):
            assert client._security_protocol == "SASL_SSL"
            assert client._sasl_mechanism == "SCRAM-SHA-512"
            assert client._sasl_plain_password == PASSWORD
            _assert_verifying(client._ssl_context)
    finally:  # never started: stop only marks them closed
        await producer.stop()
        await consumer.stop()


async def test_worker_clients_carry_the_credentials(pki: dict[str, Path],
                                                   tmp_path: Path) -> None:
    """The worker's own consumer and producer, as runtime.Worker builds them."""
    env = _env(pki, "SASL_SSL", **SASL) | {"AKHBAR_DATA_DIR": str(tmp_path)}
    worker = runtime.Worker(Settings.from_env(env), "clean", HealthState())
    try:
        for client in (worker.sink.producer.client, worker.consumer._client):
            assert client._security_protocol == "SASL_SSL"
            assert client._sasl_mechanism == "SCRAM-SHA-512"
            assert (client._sasl_plain_username, client._sasl_plain_password) == (
                "ingest", PASSWORD)
            _assert_verifying(client._ssl_context)
    finally:
        await worker.close()


@pytest.mark.parametrize("missing", ["AKHBAR_SASL_MECHANISM", "AKHBAR_SASL_USERNAME",
                                     "AKHBAR_SASL_PASSWORD"])
def test_sasl_without_every_part_is_refused(pki: dict[str, Path], missing: str) -> None:
    env = _env(pki, "SASL_SSL", **SASL)
    del env[missing]
    with pytest.raises(ConfigError, match="SASL needs"):
        Settings.from_env(env)


def _get(host: str, port: int, path: str) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=2)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_health_and_metrics_bind_to_the_configured_host() -> None:
    settings = Settings.from_env({"AKHBAR_HTTP_HOST": "127.0.0.2"})
    server = serve(settings.http_host, 0, HealthState(alive=True), REGISTRY)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.2"
        assert _get("127.0.0.2", port, "/healthz") == 200
        assert _get("127.0.0.2", port, "/metrics") == 200
        with pytest.raises(ConnectionRefusedError):  # not on another address
            _get("127.0.0.1", port, "/healthz")
    finally:
        server.shutdown()
        server.server_close()


def test_worker_serves_http_on_the_configured_host(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    """``runtime.run`` hands AKHBAR_HTTP_HOST/PORT to the health server (Kafka stubbed out)."""
    calls: list[tuple[str, int]] = []

    class FakeServer:
        server_address = ("10.1.2.3", 9555)

        def shutdown(self) -> None:
            calls.append(("shutdown", 0))

        def server_close(self) -> None:
            calls.append(("closed", 0))

    def fake_serve(host: str, port: int, state: HealthState, registry: Any) -> FakeServer:
        calls.append((host, port))
        return FakeServer()

    async def fake_main(settings: Settings, stage: str, health: HealthState) -> None:
        calls.append(("ran", 0))

    monkeypatch.setattr(runtime, "serve", fake_serve)
    monkeypatch.setattr(runtime, "_main", fake_main)
    settings = Settings.from_env({"AKHBAR_HTTP_HOST": "10.1.2.3", "AKHBAR_HTTP_PORT": "9555",
                                  "AKHBAR_DATA_DIR": str(tmp_path)})
    runtime.run(settings, "clean")
    assert calls == [("10.1.2.3", 9555), ("ran", 0), ("shutdown", 0), ("closed", 0)]
