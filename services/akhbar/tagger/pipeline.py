"""Token-level tagging: gazetteer matches and CRF spans, then one declared rule chain.

Works on match-form words, so evaluation and the display-text tagger share one code
path. :data:`RULES` is the whole post-processing, in order: each rule is a small pure
function ``(doc, mentions) -> mentions`` whose docstring gives its measured effect (F1,
all types) when it alone is left out, on dev and on 5-fold CV over the first 80 %
(``python -m akhbar.tagger.training.evaluate --dev --cv 5 --ablate``). A rule that
did not earn its keep on dev is not in the chain. Offsets back to display text are the
caller's business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from akhbar.core.normalize import match_form
from akhbar.tagger.bio import bio_spans
from akhbar.tagger.entity import EntityType
from akhbar.tagger.features import Knowledge
from akhbar.tagger.gazetteer import DATA_DIR
from akhbar.tagger.mention import Mention, mention_key
from akhbar.tagger.model import CrfModel
from akhbar.tagger.propagate import link_short_forms, propagated
from akhbar.tagger.tokens import ARTICLE, clitic_readings, strip_article

RULE_WORDS_PATH = DATA_DIR / "rule_words.tsv"
_MIN_SURNAME = 3


def _read_rule_words(path: Path) -> dict[str, frozenset[str]]:
    """``list<TAB>words`` lines: the word lists the rules read (match forms)."""
    lists: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, words = line.split("\t")
            lists.setdefault(name, set()).update(match_form(w) for w in words.split())
    return {name: frozenset(words) for name, words in lists.items()}


_WORDS = _read_rule_words(RULE_WORDS_PATH)
GENERIC_HEADS = _WORDS["generic"]  # the city, the countryside: never a name alone


@dataclass(frozen=True, slots=True)
class Doc:
    """What every rule may read: the document's words and the knowledge."""

    words: Sequence[str]
    knowledge: Knowledge
    word_set: frozenset[str]


Rule = Callable[[Doc, list[Mention]], list[Mention]]


def make_doc(words: Sequence[str], knowledge: Knowledge) -> Doc:
    """The rules' view of one document."""
    return Doc(words, knowledge, frozenset(words))


def _known(word: str, knowledge: Knowledge) -> bool:
    lexicon = knowledge.lexicon
    return (
        knowledge.gazetteer.starts_name(word)
        or lexicon.given_name(word)
        or bool(lexicon.name_word_type(word))
    )


def _known_whole(word: str, knowledge: Knowledge) -> bool:
    """The word as written is a known name or name part (كريم، بشار، وليد، لبنان)."""
    return _known(word, knowledge) or bool(knowledge.lexicon.role(word))


def _clitic_skip(word: str, doc: Doc) -> int:
    """Chars of proclitic to leave out of a model span.

    A word that is itself a known name or name part keeps its letters, even when the
    rest would be a name too (كريم is not ك + ريم, بشار not ب + شار, لبنان not ل + بنان).
    Otherwise the first of the readings (fewest letters first) that is an article
    reading (وال، بال، لل) or whose rest is a known name or a word of the document is
    taken; the conjunction و is also dropped before an unknown name; ف/ب/ل/ك stay
    unless confirmed (فرهات، بلير).
    """
    if _known_whole(word, doc.knowledge):
        return 0
    for skip, form in clitic_readings(word)[1:]:  # fewest letters first
        if form.startswith(ARTICLE) and len(form) > len(ARTICLE) + 1:
            return skip
        if form in doc.word_set or _known(form, doc.knowledge):
            return skip
    if word.startswith("و") and len(word) > _MIN_SURNAME:
        return 1
    return 0


def _respan(doc: Doc, m: Mention, first: int, end: int, kind: str | None = None) -> Mention:
    """The model mention over new bounds (its clitic skip and key recomputed)."""
    skip = _clitic_skip(doc.words[first], doc)
    key = mention_key(doc.words, first, end, skip)
    # Mention(...) rather than dataclasses.replace: this runs for every model span, and
    # replace() cost 5 % of tagging (its field introspection runs on every call).
    return Mention(first, end, skip, _entity_type(kind or m.type), key, m.entry, m.source,
                   m.origin)


def model_spans(doc: Doc, labels: Sequence[str]) -> list[Mention]:
    """The CRF's labels as model mentions (clitic skip and key set, no rule applied)."""
    return [
        _respan(doc, Mention(a, b, 0, _entity_type(k), (), None, "model"), a, b)
        for a, b, k in bio_spans(labels)
    ]


def _each_model_span(
    reshape: Callable[[Doc, Mention], tuple[int, int, str] | None],
) -> Rule:
    """A rule from a per-span function: new ``(first, end, type)``, or None to drop."""

    def rule(doc: Doc, mentions: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        for m in mentions:
            if m.source != "model" or m.entry is not None:
                out.append(m)
                continue
            shaped = reshape(doc, m)
            if shaped is None or shaped[0] >= shaped[1]:
                continue
            first, end, kind = shaped
            same = (first, end, kind) == (m.first, m.end, m.type)
            out.append(m if same else _respan(doc, m, first, end, kind))
        return out

    rule.__name__ = reshape.__name__
    rule.__doc__ = reshape.__doc__
    return rule


def drop_generic(doc: Doc, m: Mention) -> tuple[int, int, str] | None:
    """A generic head noun alone or with adjectives only (الريف الشرقي) is not a name.

    Left out: dev -0.0012 F1, CV -0.0000.
    """
    span = doc.words[m.first : m.end]
    if strip_article(span[0]) in GENERIC_HEADS and all(
        strip_article(w).endswith(("ي", "يه")) for w in span[1:]
    ):
        return None
    return m.first, m.end, m.type


def _known_names(mentions: list[Mention]) -> list[Mention]:
    return [g for g in mentions if g.entry is not None]


def _overlapping(m: Mention, known: list[Mention]) -> list[Mention]:
    """The mentions of ``known`` (see :func:`_known_names`) that overlap ``m``."""
    return [g for g in known if g.first < m.end and m.first < g.end]


def narrow_to_model_bounds(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A CRF span of a known name's type strictly inside it sets the bounds.

    The gazetteer lists full forms (قطاع غزة، حركة حماس); news text, and the corpus the
    CRF learnt from, often leaves the descriptor outside the name (غزة، حماس). The known
    name keeps its identity between the CRF's bounds; not when the shorter words name
    something else (دمشق inside ريف دمشق). Left out: dev -0.0086 F1, CV -0.0034.
    """
    out = list(mentions)
    known = _known_names(out)
    for span in [m for m in mentions if m.entry is None]:
        inside = _overlapping(span, known)
        if len(inside) == 1 and _narrowed(inside[0], span, doc):
            match = inside[0]
            narrowed = replace(match, first=span.first, end=span.end, skip=span.skip)
            out = [narrowed if g is match else g for g in out if g is not span]
            known = [narrowed if g is match else g for g in known]
    return out


def _narrowed(match: Mention, span: Mention, doc: Doc) -> bool:
    if not (
        match.type == span.type
        and match.first <= span.first
        and span.end <= match.end
        and span.end - span.first < match.end - match.first
    ):
        return False
    size = span.end - span.first
    return not any(
        m.first == 0 and m.end == size and m.entry is not match.entry
        for m in doc.knowledge.gazetteer.find(doc.words[span.first : span.end])
    )


def model_supersedes_inner_match(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A longer CRF span of another type around known names replaces them.

    ريال مدريد is a club, not the city inside it. Of the same type (منظمة + a known
    organisation) the known name stays, with its canonical name and id.
    Left out: dev -0.0064 F1, CV -0.0002.
    """
    drop: set[int] = set()
    known = _known_names(mentions)
    for span in [m for m in mentions if m.entry is None]:
        inside = _overlapping(span, known)
        if inside and all(
            span.first <= g.first
            and g.end <= span.end
            and g.end - g.first < span.end - span.first
            and g.type != span.type
            for g in inside
        ):
            drop.update(id(g) for g in inside)
    return [m for m in mentions if id(m) not in drop]


def gazetteer_wins_overlaps(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Where a model span still overlaps a known name, the known name stays.

    An invariant more than a heuristic: entities never overlap. Left out (overlapping
    spans allowed): dev +0.0013 F1, CV +0.0028; kept for the invariant.
    """
    known = _known_names(mentions)
    return [m for m in mentions if m.entry is not None or not _overlapping(m, known)]


def link_surnames(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A model mention that is a found person's surname (هاموند) takes that person's name.

    Left out: dev -0.0012 F1, CV +0.0008 (it links canonical names and ids as well).
    """
    return link_short_forms(mentions)


def propagate_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A name found once is tagged at its other occurrences in the document.

    Left out: dev -0.0234 F1, CV -0.0131.
    """
    taken = {i for m in mentions for i in range(m.first, m.end)}
    found = propagated(doc.words, mentions, taken, doc.knowledge.lexicon.common_word)
    return sorted([*mentions, *found], key=lambda m: m.first)


# Rules that reshape or drop one CRF span at a time, before the sources meet.
SPAN_RULES: tuple[Rule, ...] = (_each_model_span(drop_generic),)
RULES: tuple[Rule, ...] = (
    *SPAN_RULES,
    narrow_to_model_bounds,
    model_supersedes_inner_match,
    gazetteer_wins_overlaps,
    link_surnames,
    propagate_names,
)
RULE_NAMES: tuple[str, ...] = tuple(r.__name__ for r in RULES)


def find_mentions(
    words: Sequence[str],
    knowledge: Knowledge,
    model: CrfModel,
    rules: Sequence[Rule] = RULES,
) -> list[Mention]:
    """All mentions in one document, sorted by position: matches, CRF spans, the rules."""
    matches, features = knowledge.observe(words)
    doc = make_doc(words, knowledge)
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
    mentions += model_spans(doc, model.predict(features))
    for rule in rules:
        mentions = rule(doc, mentions)
    return sorted(mentions, key=lambda m: m.first)


def _entity_type(kind: str) -> EntityType:
    if kind == "PER":
        return "PER"
    if kind == "ORG":
        return "ORG"
    return "LOC"
