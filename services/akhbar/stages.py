"""The three stages as pure functions over records: the Kafka workers and batch mode share them.

Each function takes a validated input record and returns the output record; nothing here
knows about Kafka. Identity (the article id) is decided once, in :func:`clean_stage`.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Literal

from akhbar import __version__
from akhbar.core.clean import clean_article
from akhbar.core.dedup import Deduper
from akhbar.core.normalize import match_form
from akhbar.records import Record

if TYPE_CHECKING:
    from akhbar.tagger import Tagger

PIPELINE_VERSION = f"akhbar/{__version__}"
DedupRoute = Literal["deduped", "duplicates"]


def article_id(raw: Record) -> str:
    """The given id, else a stable one from the url, else from the content."""
    given = raw.get("id")
    if given:
        return str(given)
    basis = raw.get("url") or "\x1f".join(
        (raw.get("source", ""), raw.get("title", ""), raw.get("body", ""))
    )
    return hashlib.blake2b(str(basis).encode("utf-8"), digest_size=16).hexdigest()


def clean_stage(raw: Record, *, max_body_bytes: int) -> Record:
    """raw_article → clean_article (raises ``RejectedInput`` for unusable input)."""
    cleaned = clean_article(
        title=raw["title"],
        body=raw["body"],
        content_type=raw["content_type"],
        max_body_bytes=max_body_bytes,
    )
    record: Record = {
        "id": article_id(raw),
        "url": raw.get("url"),
        "source": raw["source"],
        "title": cleaned.title,
        "text": cleaned.text,
        "content_type": raw["content_type"],
        "published_at": raw.get("published_at") or cleaned.published_at,
        "language": cleaned.language,
        "arabic_ratio": round(cleaned.arabic_ratio, 4),
        "removed": dict(cleaned.removed),
        "ingested_at": raw.get("ingested_at"),
    }
    if "meta" in raw:
        record["meta"] = raw["meta"]
    return record


def match_text(record: Record) -> str:
    """The match form of title and body, the basis of hashing and near-dup."""
    return match_form(f"{record['title']}\n{record['text']}")


def dedup_stage(deduper: Deduper, record: Record, *, now: float) -> tuple[DedupRoute, Record]:
    """clean_article → (route, deduped_article | duplicate_record)."""
    matched = match_text(record)
    verdict = deduper.check(record["id"], matched, now)
    out = dict(record)
    out["content_hash"] = verdict.content_hash
    out["dedup"] = {
        "status": verdict.status,
        "duplicate_of": verdict.duplicate_of,
        "similarity": None if verdict.similarity is None else round(verdict.similarity, 4),
    }
    return ("deduped" if verdict.status == "unique" else "duplicates"), out


def tag_stage(tagger: Tagger, record: Record) -> Record:
    """deduped_article → enriched_article: ``entities`` index ``text``, ``title_entities``
    index ``title``."""
    out = dict(record)
    in_title, in_body = tagger.tag_article(record["title"], record["text"])
    out["entities"] = [entity.to_dict() for entity in in_body]
    out["title_entities"] = [entity.to_dict() for entity in in_title]
    out["pipeline_version"] = PIPELINE_VERSION
    return out
