"""Turn files, folders and stdin into raw-article payloads for ``push`` and ``process``.

A file is read by what its extension says it is:

- ``.txt`` (``.text``, ``.md``) and ``.html`` (``.htm``, ``.xhtml``): one article each;
- ``.json``: one JSON object, or an array of objects (one article each), pretty-printed or
  not; a file that is neither but holds one JSON value per line is read as JSON lines;
- ``.jsonl`` / ``.ndjson`` and stdin (``-``): one JSON record per line.

JSON records are passed through as the user's bytes (an array element is re-encoded), so
malformed input still reaches the pipeline, and its dead-letter topic, exactly as written.
Files with any other extension are skipped and reported through ``on_skip``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import orjson

from akhbar.core.errors import InputNotFound
from akhbar.records import Record, encode

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json"})
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
READABLE = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSON_LINES_SUFFIXES

OnSkip = Callable[[Path], None]


def expand(paths: Iterable[str]) -> Iterator[Path | None]:
    """Files in a stable order; folders recursively; ``-`` (stdin) as ``None``.

    Every file is yielded, readable or not, so the caller can report what it skips.
    """
    for name in paths:
        if name == "-":
            yield None
            continue
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise InputNotFound(f"no such file or folder: {name}")


def check_paths(paths: Iterable[str]) -> None:
    """Fail before connecting anywhere when a path given by the user does not exist."""
    for name in paths:
        if name != "-" and not Path(name).exists():
            raise InputNotFound(f"no such file or folder: {name}")


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


def payloads(paths: Iterable[str], *, source: str = "file",
             on_skip: OnSkip | None = None) -> Iterator[bytes]:
    """One encoded raw record per article, in input order."""
    for path in expand(paths):
        if path is None:
            yield from json_lines(sys.stdin.buffer)
            continue
        suffix = path.suffix.lower()
        if suffix in JSON_LINES_SUFFIXES:
            with path.open("rb") as handle:
                yield from json_lines(handle)
        elif suffix in JSON_SUFFIXES:
            yield from json_document(path.read_bytes())
        elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
            yield encode(file_record(path, source=source))
        elif on_skip is not None:
            on_skip(path)


def count_articles(paths: Sequence[str]) -> int | None:
    """How many payloads :func:`payloads` will yield; ``None`` when stdin is among them.

    Reads every JSON file once more: meant for a progress bar on a terminal only.
    """
    if "-" in paths:
        return None
    total = 0
    for path in expand(paths):
        assert path is not None
        suffix = path.suffix.lower()
        if suffix in JSON_LINES_SUFFIXES:
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        elif suffix in JSON_SUFFIXES:
            total += sum(1 for _ in json_document(path.read_bytes()))
        elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
            total += 1
    return total


def json_lines(handle: Iterable[bytes]) -> Iterator[bytes]:
    """Each non-blank line, stripped, as the user wrote it."""
    for line in handle:
        line = line.strip()
        if line:
            yield line


def json_document(data: bytes) -> Iterator[bytes]:
    """A ``.json`` file: one object (its own bytes), an array (each element), or JSON lines.

    Anything else is passed on whole, so the pipeline dead-letters it with its bytes.
    """
    data = data.strip()
    if not data:
        return
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        lines = list(json_lines(data.splitlines()))
        if len(lines) > 1 and all(_is_json(line) for line in lines):
            yield from lines
        else:
            yield data
        return
    if isinstance(value, list):
        yield from (orjson.dumps(item) for item in value)
    else:
        yield data


def _is_json(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True
