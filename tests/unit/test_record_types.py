"""The generated TypedDicts match the schemas, field for field."""

from __future__ import annotations

from pathlib import Path
from typing import get_type_hints

import orjson

from akhbar import codegen, record_types
from akhbar.batch import BatchPipeline
from akhbar.config import Settings
from akhbar.records import RECORD_KINDS
from tests.support.corpus import raw_record, sample_texts


def test_generated_module_is_up_to_date() -> None:
    """Fails when a schema changed and `python -m akhbar.codegen` was not run."""
    assert Path(record_types.__file__).read_text(encoding="utf-8") == codegen.render()


def test_every_record_kind_has_a_type() -> None:
    assert set(record_types.RECORD_TYPES) == set(RECORD_KINDS)


def test_a_real_enriched_record_has_exactly_the_typed_keys() -> None:
    text = sample_texts()[0][1]
    record = BatchPipeline(Settings()).process_one(orjson.dumps(raw_record("t1", text)))
    cls = record_types.EnrichedArticle
    hints = get_type_hints(cls)
    assert set(record) <= set(hints)
    assert cls.__required_keys__ <= set(record)
    entity_keys = set(get_type_hints(record_types.Entity))
    assert all(set(entity) <= entity_keys for entity in record["entities"])
