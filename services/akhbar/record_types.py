"""One ``TypedDict`` per record kind, generated from ``schemas/`` by ``python -m akhbar.codegen``.

Do not edit: change the schema and re-generate.
"""

from typing import Any, Literal, NotRequired, TypedDict

__all__ = ['CleanArticle', 'Dateline', 'DatelinePart', 'DeadLetter', 'Dedup', 'DedupedArticle', 'DuplicateDedup', 'DuplicateRecord', 'EnrichedArticle', 'Entity', 'RawArticle']


class RawArticle(TypedDict):
    """What users push to the raw topic."""

    id: NotRequired[str]
    url: str | None
    source: str
    title: str
    body: str
    content_type: Literal['text/plain', 'text/html']
    published_at: str | None
    language: NotRequired[str | None]
    ingested_at: NotRequired[float]
    meta: NotRequired[dict[str, Any]]


class DatelinePart(TypedDict):
    """The place or the agency of a dateline: display text, offsets into `text`, the name it stands for and its Wikidata QID where known."""

    text: str
    start: int
    end: int
    canonical: str
    id: str | None


class Dateline(TypedDict):
    """Where and by whom the story was filed ('بغداد (أ ف ب) -'), kept in `text`: `text == record.text[start:end]`."""

    text: str
    start: int
    end: int
    place: DatelinePart
    agency: DatelinePart


class CleanArticle(TypedDict):
    """Output of the clean stage (clean topic), input of the dedup stage."""

    id: str
    url: str | None
    source: str
    title: str
    text: str
    content_type: Literal['text/plain', 'text/html']
    published_at: str | None
    language: str
    arabic_ratio: float
    removed: dict[str, int]
    dateline: NotRequired[Dateline | None]
    signoff: NotRequired[str | None]
    ingested_at: float | None
    meta: NotRequired[dict[str, Any]]


class Dedup(TypedDict):
    """Dedup."""

    status: Literal['unique', 'exact', 'near']
    duplicate_of: str | None
    similarity: float | None


class DedupedArticle(TypedDict):
    """A first-seen (unique) article after the dedup stage (deduped topic), input of the tag stage."""

    id: str
    url: str | None
    source: str
    title: str
    text: str
    content_type: Literal['text/plain', 'text/html']
    published_at: str | None
    language: str
    arabic_ratio: float
    removed: dict[str, int]
    dateline: NotRequired[Dateline | None]
    signoff: NotRequired[str | None]
    ingested_at: float | None
    meta: NotRequired[dict[str, Any]]
    content_hash: str
    dedup: Dedup


class Entity(TypedDict):
    """Entity."""

    type: Literal['PER', 'LOC', 'ORG']
    text: str
    start: int
    end: int
    canonical: str
    id: NotRequired[str | None]
    source: NotRequired[Literal['gazetteer', 'model']]


class EnrichedArticle(TypedDict):
    """What subscribers read from the enriched topic."""

    id: str
    url: str | None
    source: str
    title: str
    text: str
    content_type: Literal['text/plain', 'text/html']
    published_at: str | None
    language: str
    arabic_ratio: float
    removed: dict[str, int]
    dateline: NotRequired[Dateline | None]
    signoff: NotRequired[str | None]
    ingested_at: float | None
    meta: NotRequired[dict[str, Any]]
    content_hash: str
    dedup: Dedup
    entities: list[Entity]
    title_entities: list[Entity]
    pipeline_version: str
    entities_dropped: NotRequired[int]


class DuplicateDedup(TypedDict):
    """DuplicateDedup."""

    status: Literal['exact', 'near']
    duplicate_of: str
    similarity: float | None


class DuplicateRecord(TypedDict):
    """An exact or near copy of an earlier article (duplicates topic)."""

    id: str
    url: str | None
    source: str
    title: str
    text: str
    content_type: Literal['text/plain', 'text/html']
    published_at: str | None
    language: str
    arabic_ratio: float
    removed: dict[str, int]
    dateline: NotRequired[Dateline | None]
    signoff: NotRequired[str | None]
    ingested_at: float | None
    meta: NotRequired[dict[str, Any]]
    content_hash: str
    dedup: DuplicateDedup


DeadLetter = TypedDict("DeadLetter", {
    'akhbar.dlq.reason': Literal['invalid_utf8', 'invalid_json', 'schema_violation', 'body_too_large', 'record_too_large', 'empty_after_cleaning', 'html_extraction_failed', 'processing_error', 'output_rejected'],
    'akhbar.dlq.message': str,
    'akhbar.dlq.stage': Literal['clean', 'dedup', 'tag', 'batch'],
    'akhbar.dlq.worker': str,
    'akhbar.dlq.group': str,
    'akhbar.dlq.topic': str,
    'akhbar.dlq.partition': str,
    'akhbar.dlq.offset': str,
    'akhbar.dlq.timestamp': str,
    'akhbar.dlq.exception': str,
    'akhbar.dlq.article_id': NotRequired[str],
})
"""A dead-letter record keeps the original key and value byte for byte; this schema describes the string headers added to it (decoded as UTF-8 into an object)."""

RECORD_TYPES: dict[str, type[Any]] = {
    'raw_article': RawArticle,
    'clean_article': CleanArticle,
    'deduped_article': DedupedArticle,
    'enriched_article': EnrichedArticle,
    'duplicate_record': DuplicateRecord,
    'dead_letter': DeadLetter,
}
