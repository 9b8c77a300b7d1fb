"""How gazetteer matches and CRF spans are merged (pure functions, no model needed)."""

from __future__ import annotations

from collections.abc import Sequence

from akhbar.core.normalize import match_form
from akhbar.tagger.features import Knowledge
from akhbar.tagger.gazetteer import GazEntry, Gazetteer
from akhbar.tagger.lexicon import EMPTY_LEXICON
from akhbar.tagger.mention import Mention
from akhbar.tagger.pipeline import (
    RULE_NAMES,
    SPAN_RULES,
    gazetteer_wins_overlaps,
    make_doc,
    model_spans,
    model_supersedes_inner_match,
    narrow_to_model_bounds,
)

MADRID = GazEntry("مدريد", "LOC", "Q2807", ())
HRW = GazEntry("هيومن رايتس ووتش", "ORG", None, ())
NO_NAMES = Gazetteer([])
WORDS = ("w",) * 10


def merge(
    words: Sequence[str], gazetteer: list[Mention], model: list[Mention], names: Gazetteer
) -> list[Mention]:
    """The three rules where gazetteer matches and CRF spans meet, in chain order."""
    doc = make_doc(words, Knowledge(names, EMPTY_LEXICON))
    mentions = [*gazetteer, *model]
    for rule in (narrow_to_model_bounds, model_supersedes_inner_match, gazetteer_wins_overlaps):
        mentions = rule(doc, mentions)
    return sorted(mentions, key=lambda m: m.first)


def _model_mentions(
    words: Sequence[str], labels: Sequence[str], knowledge: Knowledge
) -> list[Mention]:
    """CRF labels through the per-span rules."""
    doc = make_doc(words, knowledge)
    mentions = model_spans(doc, labels)
    for rule in SPAN_RULES:
        mentions = rule(doc, mentions)
    return mentions


def _merge_sources(gazetteer: list[Mention], model: list[Mention]) -> list[Mention]:
    return merge(WORDS, gazetteer, model, NO_NAMES)


def _gaz(first: int, end: int, entry: GazEntry) -> Mention:
    return Mention(first, end, 0, entry.type, ("x",) * (end - first), entry, "gazetteer")


def _model(first: int, end: int, kind: str) -> Mention:
    assert kind in ("PER", "LOC", "ORG")
    return Mention(first, end, 0, kind, ("y",) * (end - first), None, "model")  # type: ignore[arg-type]


def test_longer_span_of_another_type_replaces_the_inner_match() -> None:
    merged = _merge_sources([_gaz(3, 4, MADRID)], [_model(2, 4, "ORG")])
    assert [(m.first, m.end, m.type, m.source) for m in merged] == [(2, 4, "ORG", "model")]


def test_same_type_keeps_the_gazetteer_entry() -> None:
    merged = _merge_sources([_gaz(1, 4, HRW)], [_model(0, 4, "ORG")])
    assert [(m.first, m.end, m.entry) for m in merged] == [(1, 4, HRW)]


def test_partial_overlap_keeps_the_gazetteer_match() -> None:
    merged = _merge_sources([_gaz(3, 5, MADRID)], [_model(4, 6, "PER"), _model(7, 8, "PER")])
    assert [(m.first, m.end, m.source) for m in merged] == [
        (3, 5, "gazetteer"), (7, 8, "model"),
    ]


def test_a_surname_alone_takes_the_known_persons_name_not_a_model_guess() -> None:
    from akhbar.tagger.propagate import link_short_forms

    assad = GazEntry("بشار الأسد", "PER", "Q44329", ())
    guess = Mention(0, 2, 0, "PER", ("معارضي", "الاسد"), None, "model")  # "Assad's opponents"
    known = Mention(5, 7, 0, "PER", ("بشار", "الاسد"), assad, "gazetteer")
    alone = Mention(9, 10, 0, "PER", ("الاسد",), None, "model")
    linked = link_short_forms([guess, known, alone])
    assert linked[2].entry is assad and linked[2].origin == ("بشار", "الاسد")
    first_guess = link_short_forms([guess, alone])[1]  # no known name: the first full name
    assert first_guess.origin == ("معارضي", "الاسد")


GAZA_STRIP = GazEntry("قطاع غزة", "LOC", "Q39760", ())
SOUTH_AFRICA = GazEntry("جنوب أفريقيا", "LOC", "Q258", ())
AFRICA = GazEntry("أفريقيا", "LOC", "Q15", ())


def _words(text: str) -> list[str]:
    return match_form(text).split()


def _merged(words: Sequence[str], known: Mention, span: Mention, names: Gazetteer) -> list[Mention]:
    return merge(words, [known], [span], names)


def test_a_shorter_crf_span_inside_a_known_name_sets_the_bounds_not_the_identity() -> None:
    words = _words("في قطاع غزة أمس")
    merged = _merged(words, _gaz(1, 3, GAZA_STRIP), _model(2, 3, "LOC"), Gazetteer([GAZA_STRIP]))
    assert [(m.first, m.end, m.entry) for m in merged] == [(2, 3, GAZA_STRIP)]


def test_a_crf_span_of_another_type_inside_a_known_name_changes_nothing() -> None:
    words = _words("في قطاع غزة أمس")
    merged = _merged(words, _gaz(1, 3, GAZA_STRIP), _model(2, 3, "ORG"), Gazetteer([GAZA_STRIP]))
    assert [(m.first, m.end, m.entry) for m in merged] == [(1, 3, GAZA_STRIP)]


def test_no_narrowing_to_words_that_name_something_else() -> None:
    words = _words("في جنوب أفريقيا أمس")
    names = Gazetteer([SOUTH_AFRICA, AFRICA])
    merged = _merged(words, _gaz(1, 3, SOUTH_AFRICA), _model(2, 3, "LOC"), names)
    assert [(m.first, m.end, m.entry) for m in merged] == [(1, 3, SOUTH_AFRICA)]


def test_a_generic_place_noun_with_adjectives_only_is_not_a_name() -> None:
    words = _words("قصف الريف الشرقي و ريف دمشق")
    found = _model_mentions(words, ["O", "B-LOC", "I-LOC", "O", "B-LOC", "I-LOC"],
                            Knowledge.nothing())
    assert [(m.first, m.end) for m in found] == [(4, 6)]


def test_the_rule_chain_is_declared_once_with_unique_named_rules() -> None:
    import akhbar.tagger.pipeline as pipeline

    assert len(set(RULE_NAMES)) == len(RULE_NAMES)
    for rule in pipeline.RULES:
        assert rule.__doc__ and "dev" in rule.__doc__, rule.__name__  # measured effect

