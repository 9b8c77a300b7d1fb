"""Expected failures of the CLI: one line ``akhbar: error: ...``, exit 2, no traceback.

No broker here: a refused port, a listener that never answers and a TLS server with an
untrusted certificate stand in for the network failures they are (tests/broker has the
same commands against the real broker: unknown topic, SASL and TLS refused).
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import errors as kafka_errors

from akhbar.cli import main
from akhbar.client import translate
from akhbar.config import Settings
from akhbar.core import errors
from akhbar.supervisor import free_port
from tests.support.cli import assert_one_line_error, run_cli


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("خبر", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["push", "ARTICLE"], ["tail", "--max", "1"],
                                     ["topics", "create"], ["worker", "clean"], ["lag"]])
def test_a_refused_broker_is_one_line(command: list[str], article: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    args = [str(article) if a == "ARTICLE" else a for a in command]
    result = run_cli(*args, env={"AKHBAR_BOOTSTRAP_SERVERS": address,
                                 "AKHBAR_HTTP_PORT": str(free_port())})
    assert_one_line_error(result, f"no Kafka broker answered at {address}")
    assert "AKHBAR_BOOTSTRAP_SERVERS" in result.stderr


@pytest.fixture
def silent_listener() -> Iterator[str]:
    """Accepts TCP connections and never says a word (a broker hung, a proxy black hole)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.parametrize("command", [["tail"], ["topics", "create"]])
def test_a_broker_that_never_answers_is_reported_within_the_timeout(
    command: list[str], silent_listener: str
) -> None:
    started = time.monotonic()
    result = run_cli(*command, env={"AKHBAR_BOOTSTRAP_SERVERS": silent_listener,
                                    "AKHBAR_CONNECT_TIMEOUT_SECONDS": "1"})
    assert time.monotonic() - started < 10  # aiokafka alone waits 30-40 s
    assert_one_line_error(result, "within 1s (AKHBAR_CONNECT_TIMEOUT_SECONDS)")


@pytest.fixture
def untrusted_tls_server(tmp_path: Path) -> Iterator[str]:
    """A TLS listener with a self-signed certificate no client trusts."""
    cert, key = tmp_path / "server.pem", tmp_path / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn = server.accept()[0]
            except TimeoutError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client refuses our certificate: that is the point

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    server.close()


def test_an_untrusted_tls_certificate_is_authentication_failed(
    untrusted_tls_server: str, article: Path
) -> None:
    result = run_cli("push", str(article), env={"AKHBAR_BOOTSTRAP_SERVERS": untrusted_tls_server,
                                                "AKHBAR_SECURITY_PROTOCOL": "SSL"})
    assert_one_line_error(result, f"TLS handshake with {untrusted_tls_server} failed")
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr


@pytest.mark.parametrize("command, expected", [
    (["push", "MISSING"], "no such file or folder"),
    (["process", "MISSING"], "no such file or folder"),
    (["demo", "MISSING"], "no such folder"),
])
def test_missing_inputs_are_one_line(command: list[str], expected: str, tmp_path: Path) -> None:
    args = [str(tmp_path / "nope") if a == "MISSING" else a for a in command]
    assert_one_line_error(run_cli(*args, env={}), expected)


def test_debug_shows_the_traceback(article: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    for flags, env in ((["--debug"], {}), ([], {"AKHBAR_LOG_LEVEL": "DEBUG"})):
        result = run_cli(*flags, "push", str(article),
                         env={"AKHBAR_BOOTSTRAP_SERVERS": address} | env)
        assert result.returncode == 2
        assert "Traceback (most recent call last)" in result.stderr
        assert "BrokerUnreachable" in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("akhbar: error: ")


def test_a_bad_setting_is_one_line() -> None:
    assert_one_line_error(run_cli("tail", env={"AKHBAR_SASL_MECHANISM": "GSSAPI"}),
                          "AKHBAR_SASL_MECHANISM")


def test_the_cli_catches_the_base_class_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (any other exception) keeps its traceback; every AkhbarError is one line."""
    import akhbar.cli

    def boom(*_: object) -> int:
        raise LookupError("a bug")

    monkeypatch.setattr(akhbar.cli, "_dispatch", boom)
    with pytest.raises(LookupError):
        main(["tag"])

    def refused(*_: object) -> int:
        raise errors.PortInUse("port 9101 is taken")

    monkeypatch.setattr(akhbar.cli, "_dispatch", refused)
    assert main(["tag"]) == 2


@pytest.mark.parametrize("raised, expected", [
    (kafka_errors.KafkaConnectionError("Unable to bootstrap"), errors.BrokerUnreachable),
    (TimeoutError(), errors.BrokerUnreachable),
    (kafka_errors.UnknownTopicOrPartitionError(), errors.TopicMissing),
    (kafka_errors.MessageSizeTooLargeError(), errors.RecordTooLarge),
    (kafka_errors.TopicAuthorizationFailedError(), errors.AuthenticationFailed),
    (kafka_errors.NotLeaderForPartitionError(), errors.KafkaUnavailable),
])
def test_kafka_client_errors_become_akhbar_errors(raised: Exception,
                                                  expected: type[Exception]) -> None:
    assert type(translate(Settings(), raised)) is expected


@pytest.mark.parametrize("cause", [kafka_errors.SaslAuthenticationFailed(),
                                   kafka_errors.IllegalSaslStateError(),
                                   ssl.SSLCertVerificationError("bad cert")])
def test_the_cause_aiokafka_logged_decides_authentication_failed(cause: Exception) -> None:
    """aiokafka raises a bare KafkaConnectionError; the cause is only in its log line."""
    bare = kafka_errors.KafkaConnectionError("Unable to bootstrap from [...]")
    assert isinstance(translate(Settings(), bare, [cause]), errors.AuthenticationFailed)
