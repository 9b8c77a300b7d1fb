from __future__ import annotations

import orjson
import pytest

from akhbar.core.errors import RejectedInput
from akhbar.records import RECORD_KINDS, decode, schema_errors, validator
from tests.support.corpus import raw_record


def test_every_schema_loads_and_is_valid() -> None:
    for kind in RECORD_KINDS:
        validator(kind).check_schema(validator(kind).schema)


def test_a_raw_article_round_trips() -> None:
    record = raw_record("a-1", "نص الخبر")
    assert decode(orjson.dumps(record), "raw_article") == record


@pytest.mark.parametrize("value, reason", [
    (b"", "invalid_json"),
    (b"\xff\xfe not utf-8", "invalid_utf8"),
    (b"{\"id\": ", "invalid_json"),
    (b"[" * 5000 + b"]" * 5000, "invalid_json"),
    (b"[1, 2]", "schema_violation"),
    (orjson.dumps({"body": 1}), "schema_violation"),
    (orjson.dumps({**raw_record("x", "t"), "content_type": "application/pdf"}),
     "schema_violation"),
    (orjson.dumps({**raw_record("x", "t"), "extra": True}), "schema_violation"),
])
def test_bad_input_gets_a_precise_reason(value: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput) as caught:
        decode(value, "raw_article")
    assert caught.value.reason == reason


def test_oversized_records_are_rejected_before_parsing() -> None:
    value = orjson.dumps(raw_record("x", "ا" * 10_000))
    with pytest.raises(RejectedInput) as caught:
        decode(value, "raw_article", max_bytes=1000)
    assert caught.value.reason == "record_too_large"
    assert "AKHBAR_MAX_RECORD_BYTES" in caught.value.detail


def test_schema_errors_name_the_field() -> None:
    errors = schema_errors("raw_article", {**raw_record("x", "t"), "title": 5})
    assert errors and errors[0].startswith("title:")
