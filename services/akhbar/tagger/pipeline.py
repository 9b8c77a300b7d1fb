"""Token-level tagging: gazetteer matches, then CRF spans, then in-document propagation.

Works on match-form words only, so cross-validation on ANERcorp and the display-text
tagger share one code path. Offsets back to display text are the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from akhbar.tagger.anercorp import bio_spans
from akhbar.tagger.entity import EntitySource, EntityType
from akhbar.tagger.features import Knowledge
from akhbar.tagger.gazetteer import GazEntry, Gazetteer
from akhbar.tagger.model import CrfModel
from akhbar.tagger.tokens import ARTICLE, clitic_readings, strip_article

_NISBA_ENDINGS = ("يون", "يين", "يه", "ي")
_MIN_SURNAME = 3


@dataclass(frozen=True, slots=True)
class Mention:
    """Tokens ``[first, end)``, minus ``skip`` clitic chars; ``key`` is the name's words."""

    first: int
    end: int
    skip: int
    type: EntityType
    key: tuple[str, ...]
    entry: GazEntry | None
    source: EntitySource
    origin: tuple[str, ...] | None = None  # key of the mention this one copies


def _key(words: Sequence[str], first: int, end: int, skip: int) -> tuple[str, ...]:
    head = dict(clitic_readings(words[first])).get(skip, words[first][skip:])
    return (head, *words[first + 1 : end])


def _clitic_skip(word: str, known: set[str], gazetteer: Gazetteer) -> int:
    """Chars of proclitic to leave out of a model span (0 when unsure: واشنطن stays whole)."""
    for skip, form in clitic_readings(word)[1:]:
        if form.startswith(ARTICLE) and len(form) > len(ARTICLE) + 1:
            return skip
        if form in known or gazetteer.starts_name(form):
            return skip
    return 0


def _is_nisba(words: Sequence[str], first: int, end: int, gazetteer: Gazetteer) -> bool:
    """A lone adjective of origin (السوري، الروسية) whose base is a known place."""
    if end - first != 1 or strip_article(words[first]) == words[first]:
        return False
    stem = strip_article(words[first])
    for ending in _NISBA_ENDINGS:
        base = stem[: -len(ending)]
        if stem.endswith(ending) and len(base) >= 2:
            forms = (base, base + "ا", base + "يا", ARTICLE + base)
            return any(gazetteer.starts_name(f) for f in forms)
    return False


def find_mentions(
    words: Sequence[str], knowledge: Knowledge, model: CrfModel, propagate: bool = True
) -> list[Mention]:
    """All mentions in one document, sorted by position."""
    gazetteer = knowledge.gazetteer
    matches, features = knowledge.features(words)
    mentions = [
        Mention(
            m.first,
            m.end,
            m.skip,
            m.entry.type,
            _key(words, m.first, m.end, m.skip),
            m.entry,
            "gazetteer",
        )
        for m in matches
    ]
    taken = {i for m in mentions for i in range(m.first, m.end)}
    labels = model.predict(features)
    known = set(words)
    for first, end, kind in bio_spans(labels):
        if taken.intersection(range(first, end)) or _is_nisba(words, first, end, gazetteer):
            continue
        skip = _clitic_skip(words[first], known, gazetteer)
        key = _key(words, first, end, skip)
        mentions.append(Mention(first, end, skip, _entity_type(kind), key, None, "model"))
        taken.update(range(first, end))
    if propagate:
        mentions += propagated(words, mentions, taken)
    return sorted(mentions, key=lambda m: m.first)


def _entity_type(kind: str) -> EntityType:
    if kind == "PER":
        return "PER"
    if kind == "ORG":
        return "ORG"
    return "LOC"


def propagated(words: Sequence[str], mentions: list[Mention], taken: set[int]) -> list[Mention]:
    """Other occurrences of names already found (and a person's surname alone)."""
    origins: dict[str, int] = {}
    entries: list[GazEntry] = []
    for index, mention in enumerate(mentions):
        keys = [mention.key]
        if mention.type == "PER" and len(mention.key) > 1:
            keys.append(mention.key[-1:])
        for key in keys:
            name = " ".join(key)
            if name not in origins and len(name) >= _MIN_SURNAME:
                origins[name] = index
                entries.append(GazEntry(name, mention.type, None, ()))
    found: list[Mention] = []
    for m in Gazetteer(entries).find(words):
        if taken.intersection(range(m.first, m.end)):
            continue
        origin = mentions[origins[m.entry.canonical]]
        key = _key(words, m.first, m.end, m.skip)
        found.append(
            Mention(
                m.first, m.end, m.skip, origin.type, key, origin.entry, origin.source, origin.key
            )
        )
        taken.update(range(m.first, m.end))
    return found
