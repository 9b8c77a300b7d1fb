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
from tests.support import ARTICLES, REPO

ANERCORP = REPO / "data" / "anercorp" / "ANERCorp_CamelLab_train.txt"
GAZETTEER = REPO / "services" / "akhbar" / "tagger" / "data" / "gazetteer.tsv"
STRUCTURE_ARTICLES = REPO / "tests" / "data" / "articles"  # wire copy with datelines, sign-offs


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


def structure_article(stem: str) -> tuple[str, str]:
    """(title, body) of ``tests/data/articles/<stem>.txt``: the title is its first paragraph."""
    text = (STRUCTURE_ARTICLES / f"{stem}.txt").read_text(encoding="utf-8")
    title, _, body = text.partition("\n\n")
    return title.strip(), body


def entity_heavy_body(size: int = 430_000, seed: int = 5) -> str:
    """Distinct paragraphs that name six gazetteer people and places each (~8,000 in all)."""
    names = [line.split("\t")[0] for line in GAZETTEER.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#") and line.split("\t")[1] in ("PER", "LOC")]
    rng = random.Random(seed)
    sentences = anercorp_sentences()
    paragraphs: list[str] = []
    total = 0
    while total < size:
        a, b, c, d, e, f = rng.sample(names, 6)
        paragraph = (f"وقال {a} في {b} إن {c} و{d} سيزوران {e} و{f} في الاجتماع رقم "
                     f"{len(paragraphs)} . {rng.choice(sentences)}")
        paragraphs.append(paragraph)
        total += len(paragraph.encode()) + 2
    return "\n\n".join(paragraphs)
