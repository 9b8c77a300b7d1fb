"""The public surface, in one place: what users import must stay importable.

A module that declares ``__all__`` must declare exactly the names below, so adding to or
removing from the surface is a deliberate edit here.
"""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("module, names", [
    ("akhbar.client", ["push", "tail", "as_json"]),
    ("akhbar.batch", ["BatchPipeline"]),
    ("akhbar.config", ["Settings"]),
    ("akhbar.core.errors", ["AkhbarError", "ConfigError", "RejectedInput", "REASONS"]),
    ("akhbar.core.normalize", ["match_form", "match_with_offsets", "display_span"]),
    ("akhbar.core.clean", ["clean_article", "CleanResult"]),
    ("akhbar.core.dedup", ["Deduper", "Verdict", "content_hash", "ALGORITHM_VERSION"]),
    ("akhbar.tagger", ["Tagger", "Entity", "default_tagger"]),
])
def test_public_names_exist(module: str, names: list[str]) -> None:
    loaded = importlib.import_module(module)
    for name in names:
        assert hasattr(loaded, name), f"{module}.{name}"


@pytest.mark.parametrize("module, names", [
    ("akhbar.core.normalize", {"ARABIC_FOLD_TABLE", "display_span", "match_form",
                               "match_forms", "match_with_offsets"}),
    ("akhbar.core.clean", {"CleanResult", "Dateline", "HTML_TYPES", "clean_article"}),
    ("akhbar.core.dedup", {"ALGORITHM_VERSION", "CONTAINMENT", "Deduper", "MAX_GROWTH",
                           "Status", "Verdict", "content_hash"}),
    ("akhbar.tagger", {"Entity", "EntitySource", "EntityType", "Tagger", "default_tagger"}),
])
def test_declared_surface_is_exactly_this(module: str, names: set[str]) -> None:
    loaded = importlib.import_module(module)
    assert set(loaded.__all__) == names
    assert all(hasattr(loaded, name) for name in loaded.__all__)


def test_core_never_imports_kafka() -> None:
    import pathlib

    root = pathlib.Path(importlib.import_module("akhbar").__file__ or "").parent
    for folder in ("core", "tagger"):
        for path in (root / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for banned in ("import faust", "import aiokafka", "from aiokafka", "from faust"):
                assert banned not in source, f"{path} imports Kafka ({banned})"
