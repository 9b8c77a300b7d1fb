"""Offsets: every entity's span is exactly its text in the display string."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.tagger import Entity, Tagger, default_tagger
from tests.support.corpus import sample_texts

ARTICLES = dict(sample_texts())  # the project's original demo articles


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return default_tagger()


def _check_invariant(display: str, entities: list[Entity]) -> None:
    previous_end = 0
    for e in entities:
        assert display[e.start : e.end] == e.text
        assert e.start >= previous_end, "entities overlap or are out of order"
        assert e.text.strip() == e.text and e.text
        previous_end = e.end


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_offsets_on_demo_articles(tagger: Tagger, name: str) -> None:
    display = ARTICLES[name]
    entities = tagger.tag(display)
    assert len(entities) >= 5
    _check_invariant(display, entities)


def test_headline_entities_index_the_headline_and_take_the_bodys_full_names(
    tagger: Tagger,
) -> None:
    title = "هاموند يلتقي لافروف في موسكو"
    text = "قال وزير الخارجية البريطاني فيليب هاموند إن بريطانيا ستدعم المحادثات."
    in_title, in_body = tagger.tag_article(title, text)
    _check_invariant(title, in_title)
    _check_invariant(text, in_body)
    by_text = {e.text: e for e in in_title}
    assert by_text["هاموند"].canonical == "فيليب هاموند"  # the body spells it out
    assert by_text["موسكو"].type == "LOC"
    assert "فيليب هاموند" in {e.text for e in in_body}
    assert tagger.tag_article("", text) == ([], tagger.tag(text))
    assert tagger.tag_article("  ", text)[0] == []


@pytest.mark.parametrize("name", sorted(ARTICLES)[:1])
def test_headline_taken_from_the_body_keeps_body_offsets(tagger: Tagger, name: str) -> None:
    display = ARTICLES[name]
    title, text = display[:80], display[80:]
    in_title, in_body = tagger.tag_article(title, text)
    _check_invariant(title, in_title)
    _check_invariant(text, in_body)
    assert len(in_body) >= 5


def test_offsets_through_diacritics_and_tatweel(tagger: Tagger) -> None:
    display = "زارَ وزيرُ الخارجيةِ مـوسـكـو ثم دِمَشْقَ، وقال إنّ الأُمَمَ المُتَّحِدَةَ ستجتمع."
    entities = tagger.tag(display)
    _check_invariant(display, entities)
    by_canonical = {e.canonical: e for e in entities}
    assert by_canonical["موسكو"].text == "مـوسـكـو"
    assert by_canonical["دمشق"].text == "دِمَشْقَ"
    assert by_canonical["الأمم المتحدة"].text.startswith("الأُمَمَ")


def test_hamza_and_ya_variants_meet(tagger: Tagger) -> None:
    display = "وصل الوفد الى انقره ثم الي اسطنبول"
    canonicals = [e.canonical for e in tagger.tag(display)]
    assert "أنقرة" in canonicals
    assert "إسطنبول" in canonicals


def test_entity_to_dict_roundtrip(tagger: Tagger) -> None:
    entity = tagger.tag("قالت روسيا إن المحادثات ستجري")[0]
    as_dict = entity.to_dict()
    assert as_dict["canonical"] == "روسيا"
    assert as_dict["id"] == "Q159"
    assert Entity(**as_dict) == entity  # type: ignore[arg-type]


def test_empty_and_punctuation_only(tagger: Tagger) -> None:
    assert tagger.tag("") == []
    assert tagger.tag(" ... ،؛ «» ") == []


_MARKS = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b", "\u0640", "\u200f"]
_PIECES = ["قال", "الرئيس", "بشار", "الأسد", "في", "دمشق", "وموسكو", "للأمم", "المتحدة",
           "،", ".", "«", "»", "جنيف", "ستيفان", "دي", "ميستورا", "إن", "بالعراق", "2016"]


@settings(max_examples=60, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=25),
    marks=st.lists(st.tuples(st.integers(0, 400), st.sampled_from(_MARKS)), max_size=12),
)
def test_offsets_invariant_under_marks(pieces: list[str], marks: list[tuple[int, str]]) -> None:
    display = " ".join(pieces)
    for position, mark in sorted(marks, reverse=True):
        cut = position % (len(display) + 1)
        display = display[:cut] + mark + display[cut:]
    _check_invariant(display, default_tagger().tag(display))
