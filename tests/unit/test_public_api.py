"""Guard the public surface: what users import must stay importable."""

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


def test_core_never_imports_kafka() -> None:
    import pathlib

    root = pathlib.Path(importlib.import_module("akhbar").__file__ or "").parent
    for folder in ("core", "tagger"):
        for path in (root / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for banned in ("import faust", "import aiokafka", "from aiokafka", "from faust"):
                assert banned not in source, f"{path} imports Kafka ({banned})"
