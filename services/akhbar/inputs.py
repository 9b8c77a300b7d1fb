"""Turn files, folders and stdin into raw-article payloads for ``push`` and ``process``.

Text and HTML files become raw-article records; JSON and JSONL lines are passed through as
the user's bytes, so a malformed line still reaches the pipeline (and its dead-letter topic)
exactly as written.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from akhbar.records import Record, encode

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}


def expand(paths: Iterable[str]) -> Iterator[Path | None]:
    """Files in a stable order; folders recursively; ``-`` (stdin) as ``None``."""
    for name in paths:
        if name == "-":
            yield None
            continue
        path = Path(name)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
            )
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(f"no such file or folder: {name}")


def file_record(path: Path, *, source: str) -> Record:
    """A raw article from one text or HTML file (title left empty: text files have none)."""
    html = path.suffix.lower() in HTML_SUFFIXES
    return {
        "url": None,
        "source": source,
        "title": "",
        "body": path.read_bytes().decode("utf-8", "replace"),
        "content_type": "text/html" if html else "text/plain",
        "published_at": None,
        "ingested_at": time.time(),
    }


def payloads(paths: Iterable[str], *, source: str = "file") -> Iterator[bytes]:
    """One encoded raw record per article, in input order."""
    for path in expand(paths):
        if path is None:
            yield from _json_lines(sys.stdin.buffer)
        elif path.suffix.lower() in JSON_SUFFIXES:
            with path.open("rb") as handle:
                yield from _json_lines(handle)
        else:
            yield encode(file_record(path, source=source))


def _json_lines(handle: Iterable[bytes]) -> Iterator[bytes]:
    for line in handle:
        line = line.strip()
        if line:
            yield line
