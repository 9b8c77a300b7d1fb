"""Fixtures shared by unit and broker tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ARTICLES


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/broker/ needs the broker; mark it so `-m "not broker"` works."""
    for item in items:
        if "/tests/broker/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.broker)


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    """The demo's plain-text and HTML article files (no copies among them)."""
    paths = sorted(p for p in ARTICLES.iterdir() if p.suffix in (".txt", ".html"))
    assert len(paths) >= 3, f"demo articles missing from {ARTICLES}"
    return paths
