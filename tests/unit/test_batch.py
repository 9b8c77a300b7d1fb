"""Batch mode runs the same stages as the workers, in-process."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from akhbar.batch import BatchPipeline
from akhbar.cli import main
from akhbar.config import Settings
from akhbar.records import schema_errors
from tests.support.corpus import raw_record, sample_texts
from tests.support.variants import orthographic_variant


@pytest.fixture(scope="module")
def pipeline() -> BatchPipeline:
    return BatchPipeline(Settings())


def test_samples_are_enriched_with_valid_offsets(pipeline: BatchPipeline) -> None:
    for index, (_, text) in enumerate(sample_texts()):
        record = pipeline.process_one(orjson.dumps(raw_record(f"s{index}", text)))
        assert schema_errors("enriched_article", record) == []
        assert record["dedup"]["status"] == "unique"
        assert record["entities"], "a news article without a single entity"
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]


def test_copies_are_routed_as_duplicates_and_redelivery_is_not() -> None:
    pipeline = BatchPipeline(Settings())
    text = sample_texts()[0][1]
    first = pipeline.process_one(orjson.dumps(raw_record("orig", text)))
    again = pipeline.process_one(orjson.dumps(raw_record("orig", text)))
    copy = pipeline.process_one(orjson.dumps(raw_record("copy", orthographic_variant(text, 3))))
    assert first["dedup"]["status"] == again["dedup"]["status"] == "unique"
    assert first == again
    assert copy["dedup"] == {"status": "exact", "duplicate_of": "orig", "similarity": 1.0}
    assert schema_errors("duplicate_record", copy) == []
    assert "entities" not in copy


def test_bad_input_is_reported_not_raised(pipeline: BatchPipeline) -> None:
    out = pipeline.process_one(b"{oops")
    assert out["dead_letter"]["reason"] == "invalid_json"
    empty = pipeline.process_one(orjson.dumps(raw_record("e", " \u0640\u064e ")))
    assert empty == {"id": "e", "dead_letter": {"reason": "empty_after_cleaning",
                                                "message": empty["dead_letter"]["message"]}}


def test_cli_process_prints_one_line_per_article(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    text = sample_texts()[1][1]
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text + "\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_bytes(b"not json\n")
    assert main(["process", str(tmp_path)]) == 0
    captured = capsysbinary.readouterr()
    lines = [orjson.loads(line) for line in captured.out.splitlines()]
    assert len(lines) == 3
    assert lines[0]["dedup"]["status"] == "unique"
    assert lines[1]["dedup"]["status"] == "exact"
    assert lines[1]["dedup"]["duplicate_of"] == lines[0]["id"]
    assert lines[2]["dead_letter"]["reason"] == "invalid_json"
    assert b"processed 3 articles" in captured.err
