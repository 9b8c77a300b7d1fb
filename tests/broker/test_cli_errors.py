"""The CLI's one-line errors against the real broker: unknown topic, SASL and TLS refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from akhbar.config import Settings
from tests.support.cli import assert_one_line_error, env_of, run_cli


@pytest.mark.parametrize("command", [["push", "ARTICLE"], ["tail"]])
def test_an_unknown_topic_is_one_line_at_once(command: list[str], settings: Settings,
                                              tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("خبر", encoding="utf-8")
    args = [str(article) if a == "ARTICLE" else a for a in command]
    started = time.monotonic()
    result = run_cli(*args, env=env_of(settings, AKHBAR_TOPIC_PREFIX="missing."))
    assert time.monotonic() - started < 20  # a send to a missing topic waited 40 s
    assert_one_line_error(result, "does not exist (run `akhbar topics create`")


def test_sasl_against_a_plaintext_listener_is_authentication_failed(settings: Settings) -> None:
    result = run_cli("tail", env=env_of(
        settings, AKHBAR_SECURITY_PROTOCOL="SASL_PLAINTEXT", AKHBAR_SASL_MECHANISM="PLAIN",
        AKHBAR_SASL_USERNAME="ingest", AKHBAR_SASL_PASSWORD="wrong"))
    assert_one_line_error(result, f"SASL authentication at {settings.bootstrap_servers} failed")


def test_tls_against_a_plaintext_listener_is_authentication_failed(settings: Settings) -> None:
    result = run_cli("topics", "create", env=env_of(settings, AKHBAR_SECURITY_PROTOCOL="SSL"))
    assert_one_line_error(result, f"TLS handshake with {settings.bootstrap_servers} failed")
