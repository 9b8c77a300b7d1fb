"""The fast (Rust) validator never accepts what the reference validator rejects."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.records import RecordKind, _fast_is_valid, schema_errors
from tests.support.corpus import raw_record

VALID: dict[RecordKind, dict[str, Any]] = {
    "raw_article": raw_record("a-1", "نص"),
    "clean_article": {
        "id": "a-1", "url": None, "source": "s", "title": "", "text": "نص",
        "content_type": "text/plain", "published_at": None, "language": "ar",
        "arabic_ratio": 1.0, "removed": {}, "ingested_at": 1.0,
    },
}
VALID["enriched_article"] = {
    **VALID["clean_article"], "content_hash": "0" * 32, "pipeline_version": "x",
    "dedup": {"status": "unique", "duplicate_of": None, "similarity": None},
    "entities": [{"type": "LOC", "text": "نص", "start": 0, "end": 2, "canonical": "نص"}],
    "title_entities": [],
}

values = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                   st.text(max_size=5), st.lists(st.integers(), max_size=2),
                   st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[RecordKind, dict[str, Any]]:
    kind: RecordKind = draw(st.sampled_from(sorted(VALID)))
    record = dict(VALID[kind])
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*record, "extra", "id"]))
        if draw(st.booleans()):
            record.pop(key, None)
        else:
            record[key] = draw(values)
    return kind, record


def test_the_valid_examples_are_valid_for_both() -> None:
    for kind, record in VALID.items():
        assert _fast_is_valid(kind)(record)
        assert schema_errors(kind, record) == []


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_fast_acceptance_implies_reference_acceptance(case: tuple[RecordKind, Any]) -> None:
    kind, record = case
    if _fast_is_valid(kind)(record):
        assert schema_errors(kind, record) == []
