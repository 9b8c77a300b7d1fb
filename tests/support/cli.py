"""The command line as a user runs it: a fresh ``python -m akhbar.cli`` process."""

from __future__ import annotations

import os
import subprocess
import sys

from akhbar.config import PREFIX, Settings


def run_cli(*args: str, env: dict[str, str],
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``akhbar <args>`` with only ``env``'s ``AKHBAR_*`` settings (the caller's are dropped)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    return subprocess.run([sys.executable, "-m", "akhbar.cli", *args], env=clean | env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    """An expected failure: exit 2, one ``akhbar: error:`` line naming ``expected``."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("akhbar: error: "), lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr and "Unclosed" not in result.stderr


def env_of(settings: Settings, **extra: str) -> dict[str, str]:
    """The variables that point a CLI run at ``settings``' broker, topics and groups."""
    return {f"{PREFIX}BOOTSTRAP_SERVERS": settings.bootstrap_servers,
            f"{PREFIX}TOPIC_PREFIX": settings.topic_prefix,
            f"{PREFIX}GROUP_PREFIX": settings.group_prefix} | extra
