"""Token-level tagging: gazetteer matches, then CRF spans, then in-document propagation.

Works on match-form words only, so cross-validation on ANERcorp and the display-text
tagger share one code path. Offsets back to display text are the caller's business.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from akhbar.tagger.anercorp import bio_spans
from akhbar.tagger.entity import EntitySource, EntityType
from akhbar.tagger.features import Knowledge
from akhbar.tagger.gazetteer import GazEntry, Gazetteer
from akhbar.tagger.model import CrfModel
from akhbar.tagger.tokens import ARTICLE, clitic_readings, strip_article

_NISBA_ENDINGS = ("يون", "يين", "يه", "ي")
# Generic place nouns ("the city", "the countryside"): never a name on their own.
_GENERIC_WORDS = "مدينه بلده قريه ريف منطقه عاصمه بلاد دوله شارع حي مخيم محافظه اقليم ولايه دار شعب"
_GENERIC_HEADS = frozenset(_GENERIC_WORDS.split())
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


def _clitic_skip(word: str, knowledge: Knowledge, doc_words: set[str]) -> int:
    """Chars of proclitic to leave out of a model span.

    Article readings (وال، بال، لل) and readings whose rest is a known name are taken.
    The conjunction و is also dropped before an unknown name unless the whole word is a
    known name (وليد، واشنطن); ف/ب/ل/ك stay unless confirmed (فرهات، بلير).
    """
    readings = clitic_readings(word)[1:]
    for skip, form in readings:
        if form.startswith(ARTICLE) and len(form) > len(ARTICLE) + 1:
            return skip
        if form in doc_words or _known(form, knowledge):
            return skip
    if word.startswith("و") and len(word) > _MIN_SURNAME and not _known(word, knowledge):
        return 1
    return 0


def _known(word: str, knowledge: Knowledge) -> bool:
    lexicon = knowledge.lexicon
    return (
        knowledge.gazetteer.starts_name(word)
        or lexicon.given_name(word)
        or bool(lexicon.name_word_type(word))
    )


def _is_nisba(word: str, gazetteer: Gazetteer) -> bool:
    """An adjective of origin (السوري، الروسية) whose base is a known place."""
    stem = strip_article(word)
    if stem == word:
        return False
    for ending in _NISBA_ENDINGS:
        base = stem[: -len(ending)]
        if stem.endswith(ending) and len(base) >= 2:
            forms = (base, base + "ا", base + "يا", ARTICLE + base)
            return any(gazetteer.starts_name(f) for f in forms)
    return False


def _generic(span: Sequence[str]) -> bool:
    """A head noun alone or with adjectives only (الريف الشرقي): a description, not a name."""
    if strip_article(span[0]) not in _GENERIC_HEADS:
        return False
    return all(strip_article(w).endswith(("ي", "يه")) for w in span[1:])


def _trim_nisba(words: Sequence[str], first: int, end: int, gazetteer: Gazetteer) -> int:
    """Leading nisba words are not part of a model span (الرئيس الغاني X Y -> X Y)."""
    while first < end and _is_nisba(words[first], gazetteer):
        first += 1
    return first


def find_mentions(
    words: Sequence[str], knowledge: Knowledge, model: CrfModel, propagate: bool = True
) -> list[Mention]:
    """All mentions in one document, sorted by position."""
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
    model_mentions = _model_mentions(words, model.predict(features), knowledge)
    mentions = _merge_sources(mentions, model_mentions)
    taken = {i for m in mentions for i in range(m.first, m.end)}
    mentions = _link_short_forms(mentions)
    if propagate:
        mentions += propagated(words, mentions, taken)
    return sorted(mentions, key=lambda m: m.first)


def _model_mentions(
    words: Sequence[str], labels: list[str], knowledge: Knowledge
) -> list[Mention]:
    """CRF spans, cleaned of nisba words, generic nouns and clitics."""
    gazetteer = knowledge.gazetteer
    doc_words = set(words)
    found: list[Mention] = []
    for first, end, kind in bio_spans(labels):
        first = _trim_nisba(words, first, end, gazetteer)
        if first == end or _generic(words[first:end]):
            continue
        skip = _clitic_skip(words[first], knowledge, doc_words)
        key = _key(words, first, end, skip)
        found.append(Mention(first, end, skip, _entity_type(kind), key, None, "model"))
    return found


MODEL_SUPERSEDES_INNER_MATCH = True


def _merge_sources(gazetteer: list[Mention], model: list[Mention]) -> list[Mention]:
    """Gazetteer matches win, except a longer CRF span of another type around one.

    ريال مدريد is a club, not the city inside it. A longer span of the same type (منظمة +
    a known organisation) keeps the gazetteer match, with its canonical name and id.
    """
    kept = list(gazetteer)
    for span in model:
        inside = [g for g in kept if g.first < span.end and span.first < g.end]
        if not inside:
            kept.append(span)
            continue
        covers = all(span.first <= g.first and g.end <= span.end for g in inside)
        longer = all(g.end - g.first < span.end - span.first for g in inside)
        retyped = all(g.type != span.type for g in inside)  # same type: keep canonical, id
        if MODEL_SUPERSEDES_INNER_MATCH and covers and longer and retyped:
            kept = [g for g in kept if g not in inside] + [span]
    return kept


def _entity_type(kind: str) -> EntityType:
    if kind == "PER":
        return "PER"
    if kind == "ORG":
        return "ORG"
    return "LOC"


def _link_short_forms(mentions: list[Mention]) -> list[Mention]:
    """A model mention that is a found person's surname (هاموند) takes that person's name."""
    surnames = {
        m.key[-1]: m for m in mentions if m.type == "PER" and len(m.key) > 1 and m.origin is None
    }
    linked: list[Mention] = []
    for m in mentions:
        full = surnames.get(m.key[-1]) if len(m.key) == 1 and m.entry is None else None
        if full is not None and full.key != m.key:
            m = Mention(m.first, m.end, m.skip, full.type, m.key, full.entry, m.source, full.key)
        linked.append(m)
    return linked


SPREAD_MIN_SHARE = 0.2
SPREAD_MIN_SEEN = 4


def _spreads(mention: Mention, share: dict[str, float]) -> bool:
    """Whether a found name is tagged at its other occurrences too.

    A one-word model guess spreads only if the CRF itself tagged a fair share of the
    word's occurrences: one slip (a verb after a heading) must not tag every copy.
    """
    if mention.entry is not None or len(mention.key) > 1:
        return True
    return share.get(mention.key[0], 1.0) >= SPREAD_MIN_SHARE


def _model_share(words: Sequence[str], mentions: list[Mention]) -> dict[str, float]:
    """For one-word model names: tagged occurrences / all occurrences in the document."""
    tagged = Counter(m.key[0] for m in mentions if m.source == "model" and len(m.key) == 1)
    seen: Counter[str] = Counter()
    for word in words:
        seen.update({form for _, form in clitic_readings(word)} & tagged.keys())
    return {w: tagged[w] / seen[w] for w in tagged if seen[w] >= SPREAD_MIN_SEEN}


def _surname_can_stand_alone(mention: Mention) -> bool:
    """A known person's last name (الأسد) may; a model guess ending in ال + noun may not."""
    if mention.type != "PER" or len(mention.key) < 2 or mention.origin is not None:
        return False
    return mention.entry is not None or not mention.key[-1].startswith(ARTICLE)


def propagated(words: Sequence[str], mentions: list[Mention], taken: set[int]) -> list[Mention]:
    """Other occurrences of names already found (and a person's surname alone)."""
    origins: dict[str, int] = {}
    entries: list[tuple[tuple[str, ...], GazEntry]] = []
    share = _model_share(words, mentions)
    for index, mention in enumerate(mentions):
        keys = [mention.key] if _spreads(mention, share) else []
        if _surname_can_stand_alone(mention):
            keys.append(mention.key[-1:])
        for key in keys:
            name = " ".join(key)
            if name not in origins and len(name) >= _MIN_SURNAME:
                origins[name] = index
                entries.append((key, GazEntry(name, mention.type, None, ())))
    found: list[Mention] = []
    for m in Gazetteer.from_keys(entries).find(words):
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
