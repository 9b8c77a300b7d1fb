"""Fixtures shared by unit and broker tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/broker/ needs the broker; mark it so `-m "not broker"` works."""
    for item in items:
        if "/tests/broker/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.broker)


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    paths = sorted(SAMPLES.glob("*.txt"))
    assert paths, f"no sample articles in {SAMPLES}"
    return paths
