from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from akhbar.inputs import payloads
from akhbar.records import decode


def test_folders_text_html_and_jsonl_become_payloads(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("خبر أول", encoding="utf-8")
    (tmp_path / "sub" / "b.html").write_text("<html><body><p>خبر</p></body></html>")
    (tmp_path / "c.jsonl").write_bytes(b'{"id": "x"}\n\nnot json\n')
    (tmp_path / "ignored.bin").write_bytes(b"\x00")
    out = list(payloads([str(tmp_path)]))
    assert len(out) == 4
    first = decode(out[0], "raw_article")
    assert first["body"] == "خبر أول" and first["content_type"] == "text/plain"
    assert orjson.loads(out[3])["content_type"] == "text/html"
    assert out[1:3] == [b'{"id": "x"}', b"not json"]  # user bytes pass through untouched


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(payloads([str(tmp_path / "nope")]))
