"""Token-level tagging: gazetteer matches, then CRF spans, then in-document propagation.

Works on match-form words only, so cross-validation on ANERcorp and the display-text
tagger share one code path. Offsets back to display text are the caller's business.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from akhbar.core.normalize import match_form
from akhbar.tagger.anercorp import bio_spans
from akhbar.tagger.entity import EntityType
from akhbar.tagger.features import Knowledge
from akhbar.tagger.gazetteer import Gazetteer
from akhbar.tagger.mention import Mention, mention_key
from akhbar.tagger.model import CrfModel
from akhbar.tagger.propagate import link_short_forms, propagated
from akhbar.tagger.tokens import ARTICLE, CLITIC_LETTERS, clitic_readings, strip_article

_NISBA_ENDINGS = ("يون", "يين", "يه", "ي")
# Generic place nouns ("the city", "the countryside"): never a name on their own.
_GENERIC_WORDS = "مدينه بلده قريه ريف منطقه عاصمه بلاد دوله شارع حي مخيم محافظه اقليم ولايه دار شعب"
_GENERIC_HEADS = frozenset(_GENERIC_WORDS.split())
_MIN_SURNAME = 3


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
    matches, features = knowledge.observe(words)
    mentions = [
        Mention(
            m.first,
            m.end,
            m.skip,
            m.entry.type,
            mention_key(words, m.first, m.end, m.skip),
            m.entry,
            "gazetteer",
        )
        for m in matches
    ]
    model_mentions = _model_mentions(words, model.predict(features), knowledge)
    mentions = _merge_sources(words, mentions, model_mentions, knowledge.gazetteer)
    taken = {i for m in mentions for i in range(m.first, m.end)}
    mentions = link_short_forms(mentions)
    if propagate:
        mentions += propagated(words, mentions, taken, knowledge.lexicon.common_word)
        mentions = one_type_per_name(mentions)
    return sorted(mentions, key=lambda m: m.first)


def one_type_per_name(mentions: list[Mention]) -> list[Mention]:
    """A model mention takes the type most mentions of the same name have in the document.

    One name, one sense per article: the CRF sometimes calls the same club a place in one
    sentence and an organisation in the next. Gazetteer mentions keep their type; a tie
    changes nothing. 5-fold CV: +0.1 F1.
    """
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for m in mentions:
        votes.setdefault(m.key, Counter())[m.type] += 1
    out: list[Mention] = []
    for m in mentions:
        (best, count), *_ = votes[m.key].most_common(1)
        if m.entry is None and best != m.type and count > votes[m.key][m.type]:
            m = replace(m, type=_entity_type(best))
        out.append(m)
    return out


# Reporting verbs of news prose; a name is often followed by one (SVO: "X أبلغا ..."), and
# the CRF sometimes runs the name over it. Past tense, with the subject suffixes.
_REPORTING = (
    "قال اضاف اكد اعلن صرح اوضح اشار ذكر ابلغ افاد نقل كشف طالب اعتبر نفى حذر شدد لفت تابع"
    " زار التقى استقبل بحث ناقش وصف رفض قرر ابدى"
)
_SUBJECT_SUFFIXES = ("", "ت", "ا", "تا", "وا")
REPORTING_VERBS = frozenset(
    match_form(verb + suffix) for verb in _REPORTING.split() for suffix in _SUBJECT_SUFFIXES
)


def _trim_reporting_verbs(words: Sequence[str], first: int, end: int) -> int:
    """Trailing reporting verbs are not part of a name (ريتني أبلغا -> ريتني)."""
    while end > first and words[end - 1] in REPORTING_VERBS:
        end -= 1
    return end


# Nouns that introduce a place's name (the village X, the district X).
_PLACE_HEAD_WORDS = "حي احياء قريه قري بلده بلدات مدينه مدن مخيم محافظه بلدتي مدينتي قريتي"
PLACE_HEADS = frozenset(_PLACE_HEAD_WORDS.split())


def _cut_at_prepositional_phrase(
    words: Sequence[str], first: int, end: int, knowledge: Knowledge
) -> int:
    """A model span stops before clitic + common noun (اللجاة بريف درعا، كلاس بجبل X).

    ب/ل/ك/و/ف + a word that is mostly not a name in training text, the whole word never
    inside a name there and not a known name word: a new phrase, not the name's next word.
    """
    lexicon = knowledge.lexicon
    for i in range(first + 1, end):
        word = words[i]
        if word[0] not in CLITIC_LETTERS or len(word) <= _MIN_SURNAME:
            continue
        seen = lexicon.seen_word(word)
        rest = word[1:]
        common = lexicon.common_word(rest) or strip_article(rest) in _GENERIC_HEADS
        if common and not (seen.per or seen.loc or seen.org) and not _known(word, knowledge):
            return i
    return end


def _drop_construct_head(words: Sequence[str], first: int, end: int, knowledge: Knowledge) -> int:
    """معارضي الأسد ("Assad's opponents") is a noun in construct with a surname, not a name.

    A two-word model PER span whose second word is ال + a word of a known person's name,
    and whose first word is neither a known name word nor ever part of a name in training
    text, keeps the surname only (which then links to the known person). Without the ال
    condition new given names before known surnames were cut too (5-fold CV -0.1).
    """
    if end - first != 2 or not words[end - 1].startswith(ARTICLE):
        return first
    lexicon = knowledge.lexicon
    head = words[first]
    seen = lexicon.seen_word(head)
    if "PER" not in lexicon.name_word_type(strip_article(words[end - 1])):
        return first
    if _known(head, knowledge) or seen.per or seen.loc or seen.org:
        return first
    return end - 1


def _model_mentions(words: Sequence[str], labels: list[str], knowledge: Knowledge) -> list[Mention]:
    """CRF spans, cleaned of nisba words, generic nouns and clitics."""
    gazetteer = knowledge.gazetteer
    doc_words = set(words)
    found: list[Mention] = []
    for first, end, kind in bio_spans(labels):
        first = _trim_nisba(words, first, end, gazetteer)
        end = _trim_reporting_verbs(words, first, end)
        end = _cut_at_prepositional_phrase(words, first, end, knowledge)
        if kind == "PER":
            first = _drop_construct_head(words, first, end, knowledge)
        if first == end or _generic(words[first:end]):
            continue
        if first > 0 and strip_article(words[first - 1]) in PLACE_HEADS:
            # قرية كلاس، حي جوبر الدمشقي: the head noun says what the name is, and a
            # trailing nisba (الدمشقي) says where it is, outside the name.
            kind = "LOC"
            if end - first > 1 and _is_nisba(words[end - 1], gazetteer):
                end -= 1
        skip = _clitic_skip(words[first], knowledge, doc_words)
        key = mention_key(words, first, end, skip)
        found.append(Mention(first, end, skip, _entity_type(kind), key, None, "model"))
    return found


MODEL_SUPERSEDES_INNER_MATCH = True


def _merge_sources(
    words: Sequence[str], gazetteer: list[Mention], model: list[Mention], names: Gazetteer
) -> list[Mention]:
    """Gazetteer matches win, except a longer CRF span of another type around one.

    ريال مدريد is a club, not the city inside it. A longer span of the same type (منظمة +
    a known organisation) keeps the gazetteer match, with its canonical name and id. A
    shorter CRF span of the same type inside a known name sets the bounds (see
    :func:`_narrowed`).
    """
    kept = list(gazetteer)
    for span in model:
        inside = [g for g in kept if g.first < span.end and span.first < g.end]
        if not inside:
            kept.append(span)
            continue
        if len(inside) == 1 and _narrowed(inside[0], span, words, names):
            kept = [g for g in kept if g is not inside[0]] + [_with_bounds(inside[0], span)]
            continue
        covers = all(span.first <= g.first and g.end <= span.end for g in inside)
        longer = all(g.end - g.first < span.end - span.first for g in inside)
        retyped = all(g.type != span.type for g in inside)  # same type: keep canonical, id
        if MODEL_SUPERSEDES_INNER_MATCH and covers and longer and retyped:
            kept = [g for g in kept if g not in inside] + [span]
    return kept


def _narrowed(match: Mention, span: Mention, words: Sequence[str], names: Gazetteer) -> bool:
    """A CRF span of the known name's type strictly inside it.

    The gazetteer lists full forms (قطاع غزة، حركة حماس، مكة المكرمة); news text, and the
    corpus the CRF learnt from, leaves a descriptor or an epithet outside the name (غزة،
    حماس، مكة). The CRF sees the gazetteer match as a feature and still cut it: its bounds
    win, the gazetteer keeps the identity. Not when the shorter words name something
    else (دمشق inside ريف دمشق, أفريقيا inside جنوب أفريقيا). 5-fold CV: +1.0 F1.
    """
    if not (
        match.entry is not None
        and match.type == span.type
        and match.first <= span.first
        and span.end <= match.end
        and span.end - span.first < match.end - match.first
    ):
        return False
    size = span.end - span.first
    return not any(
        m.first == 0 and m.end == size and m.entry is not match.entry
        for m in names.find(words[span.first : span.end])
    )


def _with_bounds(match: Mention, span: Mention) -> Mention:
    """The known name between the CRF's bounds; the key stays the name's (one key, one
    canonical name per document)."""
    return replace(match, first=span.first, end=span.end, skip=span.skip)


def _entity_type(kind: str) -> EntityType:
    if kind == "PER":
        return "PER"
    if kind == "ORG":
        return "ORG"
    return "LOC"
