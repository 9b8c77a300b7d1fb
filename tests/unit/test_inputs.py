from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from akhbar.cli import main
from akhbar.core.errors import AkhbarError, InputNotFound
from akhbar.inputs import count_articles, payloads
from akhbar.records import decode

ARTICLE = {"url": None, "source": "wire", "title": "عنوان", "body": "نص الخبر",
           "content_type": "text/plain", "published_at": None}


def test_folders_text_html_and_jsonl_become_payloads(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("خبر أول", encoding="utf-8")
    (tmp_path / "sub" / "b.html").write_text("<html><body><p>خبر</p></body></html>")
    (tmp_path / "c.jsonl").write_bytes(b'{"id": "x"}\n\nnot json\n')
    (tmp_path / "ignored.bin").write_bytes(b"\x00")
    skipped: list[Path] = []
    out = list(payloads([str(tmp_path)], on_skip=skipped.append))
    assert len(out) == 4
    first = decode(out[0], "raw_article")
    assert first["body"] == "خبر أول" and first["content_type"] == "text/plain"
    assert orjson.loads(out[3])["content_type"] == "text/html"
    assert out[1:3] == [b'{"id": "x"}', b"not json"]  # user bytes pass through untouched
    assert skipped == [tmp_path / "ignored.bin"]
    assert count_articles([str(tmp_path)]) == 4


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound, match="no such file"):
        list(payloads([str(tmp_path / "nope")]))
    assert issubclass(InputNotFound, AkhbarError)


def test_a_pretty_printed_json_file_is_one_article(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_bytes(orjson.dumps(ARTICLE, option=orjson.OPT_INDENT_2))
    assert path.read_bytes().count(b"\n") >= 4  # the file the issue saw as 8 dead letters
    (out,) = payloads([str(path)])
    assert decode(out, "raw_article")["title"] == "عنوان"
    assert count_articles([str(path)]) == 1


def test_a_json_array_is_one_article_per_element(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    items = [ARTICLE | {"id": f"a{i}"} for i in range(3)]
    path.write_bytes(orjson.dumps(items, option=orjson.OPT_INDENT_2))
    out = list(payloads([str(path)]))
    assert [decode(p, "raw_article")["id"] for p in out] == ["a0", "a1", "a2"]
    assert count_articles([str(path)]) == 3


def test_json_lines_in_a_json_file_and_ndjson_are_read_line_by_line(tmp_path: Path) -> None:
    lines = b"".join(orjson.dumps(ARTICLE | {"id": f"l{i}"}) + b"\n" for i in range(2))
    (tmp_path / "a.json").write_bytes(lines)
    (tmp_path / "b.ndjson").write_bytes(lines)
    out = list(payloads([str(tmp_path)]))
    assert [orjson.loads(p)["id"] for p in out] == ["l0", "l1", "l0", "l1"]


def test_a_broken_json_file_reaches_the_pipeline_whole(tmp_path: Path) -> None:
    """One dead letter with the user's bytes, not one per line."""
    path = tmp_path / "broken.json"
    path.write_bytes(b'{\n  "title": "x",\n  "body": \n}\n')
    (out,) = payloads([str(path)])
    assert out == path.read_bytes().strip()


def test_process_reports_skipped_files_and_a_folder_with_nothing_readable_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.xml").write_text("<rss/>")
    (tmp_path / "b.xml").write_text("<rss/>")
    assert main(["process", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "akhbar: skipped 2 files with unsupported extensions (.xml)" in err
    assert "akhbar: error: no articles found" in err
    assert "Traceback" not in err


def test_one_article_is_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.json").write_bytes(orjson.dumps(ARTICLE, option=orjson.OPT_INDENT_2))
    assert main(["process", str(tmp_path)]) == 0
    assert "processed 1 article:" in capsys.readouterr().err
