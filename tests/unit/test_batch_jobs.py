"""``akhbar process --jobs N``: the same output as one job, record for record."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from akhbar.batch import CHUNK, BatchPipeline
from akhbar.cli import ProgressLine, main
from akhbar.config import Settings
from tests.support.corpus import pseudo_articles, raw_record
from tests.support.variants import orthographic_variant


def corpus() -> list[bytes]:
    """Uniques, exact and near copies across chunk boundaries, and bad input."""
    *bodies, spare = pseudo_articles(3 * CHUNK + 1)
    records = [raw_record(f"a{i}", body) for i, body in enumerate(bodies)]
    payloads = [orjson.dumps(r) for r in records]
    # the copy comes first in input order, in an earlier chunk: it is the one kept
    payloads.insert(2, orjson.dumps(raw_record("early-copy", orthographic_variant(bodies[40], 1))))
    near = bodies[7].replace("\n\n", " ", 1) + " خبر"
    payloads.insert(30, orjson.dumps(raw_record("near-7", near)))
    payloads[11:11] = [b"{not json", b"\xff\xfe{}", orjson.dumps(raw_record("empty", " \n "))]
    payloads.append(orjson.dumps(records[3]))  # a re-delivery of a0..: same id, unique again
    # a dateline: the tag stage links its place, a key the clean stage already wrote
    payloads.append(orjson.dumps(raw_record("dateline", "القاهرة (رويترز) - " + spare)))
    return payloads


@pytest.fixture(scope="module")
def outputs() -> dict[int, list[dict[str, object]]]:
    payloads = corpus()
    return {jobs: list(BatchPipeline(Settings()).process(payloads, jobs=jobs))
            for jobs in (1, 2, 3)}


def test_every_job_count_gives_the_same_records_in_the_same_order(
    outputs: dict[int, list[dict[str, object]]]
) -> None:
    assert len(outputs[1]) == len(corpus())
    assert outputs[2] == outputs[1]
    assert outputs[3] == outputs[1]


def test_first_seen_in_input_order_wins_across_chunks(
    outputs: dict[int, list[dict[str, object]]]
) -> None:
    by_id = {r["id"]: r for r in outputs[2]}
    assert by_id["early-copy"]["dedup"]["status"] == "unique"  # type: ignore[index]
    assert by_id["a40"]["dedup"] == {"status": "exact", "duplicate_of": "early-copy",
                                     "similarity": 1.0}
    assert "entities" not in by_id["a40"] and by_id["early-copy"]["entities"]
    statuses = [r["dedup"]["status"] for r in outputs[2] if "dedup" in r]  # type: ignore[index]
    assert statuses.count("near") >= 1
    reasons = sorted(r["dead_letter"]["reason"] for r in outputs[2]  # type: ignore[index]
                     if "dead_letter" in r)
    assert reasons == ["empty_after_cleaning", "invalid_json", "invalid_utf8"]
    place = by_id["dateline"]["dateline"]["place"]  # type: ignore[index]
    assert (place["text"], place["id"]) == ("القاهرة", "Q85")


def test_lines_are_the_records_encoded_with_what_became_of_each(
    outputs: dict[int, list[dict[str, object]]]
) -> None:
    lines = list(BatchPipeline(Settings()).lines(corpus(), jobs=2))
    assert [encoded for _, encoded in lines] == [orjson.dumps(r) for r in outputs[1]]
    expected = ["rejected" if "dead_letter" in r else r["dedup"]["status"]  # type: ignore[index]
                for r in outputs[1]]
    assert [kind for kind, _ in lines] == expected
    assert set(expected) == {"unique", "exact", "near", "rejected"}


def test_cli_jobs_2_prints_what_jobs_1_prints(tmp_path: Path,
                                              capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(corpus()[:40]) + b"\n")
    printed = {}
    for jobs in ("1", "2"):
        assert main(["process", "--jobs", jobs, str(path)]) == 0
        printed[jobs] = capsysbinary.readouterr()
    assert printed["2"].out == printed["1"].out
    assert printed["2"].err == printed["1"].err  # the summary line; no bar into a pipe
    assert len(printed["1"].out.splitlines()) == 40


def test_jobs_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["process", "--jobs", "0", "x"])
    assert "must be at least 1" in capsys.readouterr().err


def test_a_long_run_prints_a_progress_line_periodically() -> None:
    now = [0.0]
    stream = io.StringIO()
    line = ProgressLine("processed", every=30.0, clock=lambda: now[0], stream=stream)
    for _ in range(100):  # 100 articles in 25 s: shorter than the period, no line
        now[0] += 0.25
        line.update()
    assert stream.getvalue() == ""
    for _ in range(100):  # the 120th comes at 30 s
        now[0] += 0.25
        line.update()
    assert stream.getvalue() == "akhbar: processed 120 articles so far (4/s)\n"
