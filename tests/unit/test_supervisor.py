"""The supervisor: settings travel to the workers whole, a worker that dies is reported."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from akhbar.config import Secret, Settings
from akhbar.core.errors import WorkerFailed
from akhbar.supervisor import WorkerSet, settings_env, worker_env


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
