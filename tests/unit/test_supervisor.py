"""The supervisor: settings travel to the workers whole, a worker that dies is reported."""

from __future__ import annotations

import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from akhbar.config import Secret, Settings
from akhbar.core.errors import WorkerFailed
from akhbar.supervisor import KafkaLocal, WorkerSet, settings_env, spawn, stop, worker_env


def test_every_setting_reaches_the_worker_and_reads_back_the_same() -> None:
    settings = replace(Settings(), topic_prefix="x.", partitions=5, max_body_bytes=123,
                       dedup_threshold=0.7, security_protocol="SASL_SSL",
                       sasl_mechanism="PLAIN", sasl_username="u", sasl_password=Secret("pw"),
                       ssl_cafile=Path("/etc/ca.pem"), data_dir=Path("state"))
    assert Settings.from_env(settings_env(settings)) == settings


def test_worker_env_replaces_the_callers_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_TOPIC_PREFIX", "callers.")
    env = worker_env(replace(Settings(), topic_prefix="ours."), 4321)
    assert env["AKHBAR_TOPIC_PREFIX"] == "ours."
    assert env["AKHBAR_HTTP_PORT"] == "4321"
    assert env["PATH"]


def test_a_worker_that_exits_at_start_is_reported_with_its_log(tmp_path: Path) -> None:
    broken = WorkerSet(Settings(), tmp_path / "logs", extra_env={"AKHBAR_NO_SUCH": "1"})
    with broken, pytest.raises(WorkerFailed, match="clean worker exited") as failure:
        broken.start("clean", timeout=60)
    assert "AKHBAR_NO_SUCH" in str(failure.value)  # the worker's own one-line reason


def test_stop_reports_a_clean_exit_and_a_process_that_had_to_be_killed(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "stubborn.log"
    stubborn = spawn([sys.executable, "-c", "import signal, time; "
                      "signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                      "print('ignoring', flush=True); time.sleep(60)"], log)
    deadline = time.monotonic() + 30
    while "ignoring" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stop(stubborn, timeout=0.5) is None  # SIGTERM ignored: killed
    assert stubborn.returncode == -signal.SIGKILL
    polite = spawn([sys.executable, "-c", "import time; time.sleep(60)"], log)
    assert stop(polite, timeout=30) == -signal.SIGTERM


def test_a_private_broker_gets_its_own_ports_and_folder(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_KAFKA_PORT", "9999")
    env = KafkaLocal(port=19092, controller_port=19093, data=tmp_path / "kafka",
                     extra_config="auto.create.topics.enable=false").env()
    assert env["AKHBAR_KAFKA_PORT"] == "19092"
    assert env["AKHBAR_KAFKA_CONTROLLER_PORT"] == "19093"
    assert env["AKHBAR_KAFKA_DATA"] == str(tmp_path / "kafka")
    assert env["AKHBAR_KAFKA_EXTRA_CONFIG"] == "auto.create.topics.enable=false"
    assert KafkaLocal().env()["AKHBAR_KAFKA_PORT"] == "9999"  # the shared one: the caller's
