"""Test corpora, all from the repository: the project's demo articles and pseudo-articles.

The demo articles (``examples/articles/``) were written for the project. Pseudo-articles are
consecutive sentences of the ANERcorp training split shipped in ``data/anercorp/`` (real
Arabic news text), so tests and benchmarks get thousands of different articles.
A missing input is a failure, never an empty, passing parametrisation.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import cache

import orjson

from akhbar.records import Record
from tests.conftest import ARTICLES, REPO

ANERCORP = REPO / "data" / "anercorp" / "ANERCorp_CamelLab_train.txt"
DIACRITICS = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b"]


@cache
def anercorp_sentences() -> tuple[str, ...]:
    sentences: list[str] = []
    words: list[str] = []
    for line in ANERCORP.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append(" ".join(words))
                words = []
            continue
        words.append(line.rsplit(" ", 1)[0])
    if words:
        sentences.append(" ".join(words))
    return tuple(s for s in sentences if len(s.split()) >= 6)


def pseudo_articles(count: int, *, sentences_per_article: int = 12) -> Iterator[str]:
    """Distinct bodies: paragraphs of consecutive sentences, wrapping around the corpus."""
    sentences = anercorp_sentences()
    for index in range(count):
        start = (index * sentences_per_article) % len(sentences)
        chunk = [sentences[(start + k) % len(sentences)] for k in range(sentences_per_article)]
        paragraphs = [" ".join(chunk[k:k + 3]) for k in range(0, len(chunk), 3)]
        yield "\n\n".join(paragraphs) + f"\n\n({index})"


@cache
def original_articles() -> tuple[tuple[str, Record], ...]:
    """(name, raw record) of each demo article that is not a copy of another one.

    Plain-text files, and the JSON-lines records marked ``meta.demo == "original"``; the
    HTML page and the demo's copies and broken record are left out.
    """
    found: list[tuple[str, Record]] = []
    for path in sorted(ARTICLES.glob("*.txt")):
        found.append((path.stem, raw_record(path.stem, path.read_text(encoding="utf-8"))))
    for path in sorted(ARTICLES.glob("*.jsonl")):
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # the demo's deliberately broken record
            if record.get("meta", {}).get("demo") == "original":
                found.append((f"{path.stem}-{number}", record))
    assert len(found) >= 4, f"demo articles missing from {ARTICLES}"
    return tuple(found)


def sample_texts() -> list[tuple[str, str]]:
    """(name, body) of each original demo article, plain text."""
    return [(name, record["body"]) for name, record in original_articles()]


def raw_record(article_id: str, body: str, *, title: str = "", source: str = "test") -> Record:
    return {"id": article_id, "url": None, "source": source, "title": title, "body": body,
            "content_type": "text/plain", "published_at": None}


def orthographic_variant(text: str, seed: int) -> str:
    """Same article as another outlet would print it: diacritics, tatweel, other digits."""
    rng = random.Random(seed)
    out: list[str] = []
    for ch in text:
        out.append(ch)
        if "\u0628" <= ch <= "\u064a" and rng.random() < 0.15:
            out.append(rng.choice(DIACRITICS))
        elif ch in "لمنهس" and rng.random() < 0.05:
            out.append("\u0640")
    return "".join(out).translate({ord(str(d)): chr(0x0660 + d) for d in range(10)})
