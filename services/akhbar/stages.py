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
from akhbar.records import Record, encode

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
        "dateline": cleaned.dateline.to_dict() if cleaned.dateline else None,
        "signoff": cleaned.signoff,
        "ingested_at": raw.get("ingested_at"),
    }
    if "meta" in raw:
        record["meta"] = raw["meta"]
    return record


DEDUP_SEES_DATELINE = True  # measured with bench/dedup_eval.py --match clean|prose


def match_text(record: Record, *, with_dateline: bool = DEDUP_SEES_DATELINE) -> str:
    """The match form of title and body, the basis of hashing and near-dup.

    ``with_dateline=False`` leaves the dateline (place and agency) out, so copies filed
    through different agencies meet; see docs/dedup.md for which one is measured better.
    """
    text = record["text"]
    dateline = record.get("dateline")
    if dateline and not with_dateline:
        text = text[: dateline["start"]] + text[dateline["end"] :]
    return match_form(f"{record['title']}\n{text}")


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


def link_dateline(tagger: Tagger, dateline: Record | None) -> Record | None:
    """The dateline with its place linked to the gazetteer (canonical name, id) when the
    place is a known location; the clean stage has no gazetteer, so this is the tag stage's."""
    if not dateline:
        return dateline
    known = tagger.resolve(dateline["place"]["text"])
    if known is None or known[0] != "LOC":
        return dateline
    _, canonical, qid = known
    return {**dateline, "place": {**dateline["place"], "canonical": canonical, "id": qid}}


def tag_stage(tagger: Tagger, record: Record) -> Record:
    """deduped_article → enriched_article: ``entities`` index ``text``, ``title_entities``
    index ``title``; the dateline's place is linked."""
    out = dict(record)
    if "dateline" in record:
        out["dateline"] = link_dateline(tagger, record["dateline"])
    in_title, in_body = tagger.tag_article(record["title"], record["text"])
    out["entities"] = [entity.to_dict() for entity in in_body]
    out["title_entities"] = [entity.to_dict() for entity in in_title]
    out["pipeline_version"] = PIPELINE_VERSION
    return out


def bound_entities(record: Record, *, max_entities: int, max_bytes: int) -> Record:
    """An enriched record whose entity lists fit ``max_entities`` and ``max_bytes``.

    Title entities are kept first, then body entities in text order; what does not fit is
    dropped from the end (body first) and counted in ``entities_dropped``, present only
    when something was dropped. A record too large even without entities is returned
    without them (the caller's size check rejects it).
    """
    title, body = record["title_entities"], record["entities"]
    keep_title = min(len(title), max_entities)
    keep_body = min(len(body), max_entities - keep_title)
    out = _with_entities(record, title, body, keep_title, keep_body)
    size = len(encode(out))
    if size <= max_bytes:
        return out
    excess = size - max_bytes + 24  # room for a longer "entities_dropped": N
    while excess > 0 and keep_body:
        keep_body -= 1
        excess -= len(encode(body[keep_body])) + 1
    while excess > 0 and keep_title:
        keep_title -= 1
        excess -= len(encode(title[keep_title])) + 1
    return _with_entities(record, title, body, keep_title, keep_body)


def _with_entities(record: Record, title: list[Record], body: list[Record],
                   keep_title: int, keep_body: int) -> Record:
    out = {**record, "title_entities": title[:keep_title], "entities": body[:keep_body]}
    dropped = len(title) - keep_title + len(body) - keep_body + record.get("entities_dropped", 0)
    if dropped:
        out["entities_dropped"] = dropped
    return out
