"""External programs the tests drive, found on the PATH or installed by the project's scripts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import REPO


def prometheus_tool(name: str) -> Path:
    """Path of ``prometheus`` or ``promtool``; installs Debian's package once if missing."""
    found = shutil.which(name)
    if found is None:
        result = subprocess.run([str(REPO / "scripts" / "prometheus-local"), "install"],
                                capture_output=True, text=True, timeout=540, check=False)
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} not found and `scripts/prometheus-local install` did not "
                        f"provide it:\n{result.stdout}\n{result.stderr}")
    return Path(found)
