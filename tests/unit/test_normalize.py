"""Match form: every orthographic variant meets its original; offsets point at display text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.core.normalize import (
    _REPLACE_PAIRS,
    ARABIC_FOLD_TABLE,
    _fold_char_uncached,
    display_span,
    match_form,
    match_with_offsets,
)
from tests.support.corpus import sample_texts
from tests.support.variants import orthographic_variant

ARABIC_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(
        list(" \n\t.،«»\"'0123456789ABCxyz\u200b\u200f\u202b\ufeff\u00a0ﻻﺍﺏ")),
    max_size=200,
)
ANY_TEXT = st.text(max_size=200)


@pytest.mark.parametrize("name", sorted(dict(sample_texts())))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_variant_of_sample_has_same_match_form(name: str, seed: int) -> None:
    original = dict(sample_texts())[name]
    variant = orthographic_variant(original, seed)
    assert variant != original
    assert match_form(variant) == match_form(original)


@pytest.mark.parametrize(
    ("variant", "original"),
    [
        ("إِلَى الأُمَمِ المُتَّحِدَةِ", "الى الامم المتحده"),
        ("مـــــدينة", "مدينة"),
        ("آن أحمد إبراهيم ٱلله", "ان احمد ابراهيم الله"),
        ("مصطفى", "مصطفي"),
        ("مدرسة", "مدرسه"),
        ("عام ٢٠١٦ و۱۳", "عام 2016 و13"),
        ("ﻻ ﺍﻟﻌﺮﺏ", "لا العرب"),
        ("\u202bسوريا\u202c\u200f \u200bدمشق", "سوريا دمشق"),
        ("«قال» “نعم”", '"قال" "نعم"'),
        ("سؤال؟ نعم، لا؛", "سؤال? نعم, لا;"),
        ("AFP  Reuters", "afp reuters"),
        ("café", "cafe\u0301"),
    ],
)
def test_known_variants_meet(variant: str, original: str) -> None:
    assert match_form(variant) == match_form(original)


def test_match_form_output_is_stable_and_single_spaced() -> None:
    folded = match_form(" أَحْمَد \n\n  عَلِيّ\t")
    assert folded == "احمد علي"


def test_fast_pairs_agree_with_the_per_character_rule() -> None:
    for old, new in _REPLACE_PAIRS:
        assert _fold_char_uncached(old) == new
        # a replacement is already final, so chained replaces never map twice
        assert all(_fold_char_uncached(c) == c for c in new)


@given(ANY_TEXT)
@settings(max_examples=300)
def test_match_form_is_idempotent(text: str) -> None:
    once = match_form(text)
    assert match_form(once) == once


@given(ANY_TEXT)
@settings(max_examples=300)
def test_offsets_match_equals_match_form_any_text(text: str) -> None:
    assert match_with_offsets(text)[0] == match_form(text)


@given(ARABIC_TEXT)
@settings(max_examples=300)
def test_every_match_char_comes_from_a_display_char_that_folds_to_it(display: str) -> None:
    match, starts = match_with_offsets(display)
    assert match == match_form(display)
    assert len(starts) == len(match) + 1
    assert starts[-1] == len(display)
    assert starts == sorted(starts)
    for i, ch in enumerate(match):
        source = display[starts[i]]
        if ch == " ":
            assert not source.isspace()  # a space maps to the first char after the gap
            assert any(c.isspace() for c in display[: starts[i]])
        else:
            assert ch in match_form(source) or ch in _fold_char_uncached(source)


@pytest.mark.parametrize("name", sorted(dict(sample_texts())))
def test_offsets_on_samples_and_variants(name: str) -> None:
    display = orthographic_variant(dict(sample_texts())[name], seed=7)
    match, starts = match_with_offsets(display)
    assert match == match_form(display)
    for i, ch in enumerate(match):
        if ch != " ":
            assert ch in _fold_char_uncached(display[starts[i]])


def test_display_span_recovers_a_word_with_marks() -> None:
    display = "قال الرَّئِيسُ الـــسوري بشار"
    match, starts = match_with_offsets(display)
    begin = match.index("الرييس")
    a, b = display_span(starts, begin, begin + len("الرييس"))
    assert display[a:b] == "الرَّئِيس"  # ends at the last letter; a final mark is not included
    begin = match.index("السوري")
    a, b = display_span(starts, begin, begin + len("السوري"))
    assert display[a:b] == "الـــسوري"


def test_compatibility_characters_are_folded() -> None:
    assert match_form("ﷲ") == match_form("الله")
    assert match_form("①") == "1"
    assert unicodedata.category("\u00ad") == "Cf"
    assert match_form("co\u00adoperate") == "cooperate"


@given(st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x0652), max_size=30))
@settings(max_examples=200)
def test_fold_table_agrees_with_match_form_on_single_words(word: str) -> None:
    assert word.translate(ARABIC_FOLD_TABLE) == match_form(word)
