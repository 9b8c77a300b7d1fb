"""Hypothesis properties of clean_article: idempotent, and blind to orthographic variants."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.core.clean import CleanResult, clean_article
from akhbar.core.errors import RejectedInput
from akhbar.core.normalize import match_form
from tests.support.variants import orthographic_variant

WORDS = ["قال", "الأمم", "المتحدة", "الرئيس", "إلى", "على", "مدينة", "سوريا", "جنيف", "وأضاف",
         "المعارضة", "الحكومة", "مسؤول", "أن", "في", "من", "محادثات", "السلام", "2017", "١٢"]
PIECES = [*WORDS, " ", " ", " ", "\n", "\n\n", ".", "،", ":", "؟", "!", "...", '"', "«", "»",
          "(", ")", "-", "ـ", "پ", "\u064e", "\u0651", "\u200f", "A", "اقرأ أيضا", "(رويترز)",
          "تصوير: أحمد", "شارك على فيسبوك", "دمشق::", "الأممالمتحدة", "أ ف ب"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _clean_or_none(title: str, body: str) -> CleanResult | None:
    try:
        return clean_article(title=title, body=body)
    except RejectedInput as rejected:
        assert rejected.reason == "empty_after_cleaning"
        return None


@given(body=TEXT, title=st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
@SETTINGS
def test_clean_is_idempotent(body: str, title: str) -> None:
    first = _clean_or_none(title, body)
    if first is None:
        return
    second = clean_article(title=first.title, body=first.text)
    assert (second.title, second.text) == (first.title, first.text)


@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=60),
       breaks=st.lists(st.sampled_from([" ", " ", " ", ". ", "، ", "\n", "\n\n"]), max_size=60),
       seed=st.integers(0, 1000))
@SETTINGS
def test_variants_clean_to_the_same_match_form(words: list[str], breaks: list[str],
                                               seed: int) -> None:
    original = "".join(w + (breaks[i] if i < len(breaks) else " ") for i, w in enumerate(words))
    variant = orthographic_variant(original, seed)
    cleaned, cleaned_variant = _clean_or_none("", original), _clean_or_none("", variant)
    assert (cleaned is None) == (cleaned_variant is None)
    if cleaned is not None and cleaned_variant is not None:
        assert match_form(cleaned_variant.text) == match_form(cleaned.text)


@given(seed=st.integers(0, 10_000))
@settings(max_examples=50, deadline=None)
def test_shuffled_duplicates_are_removed(seed: int) -> None:
    """Paragraphs repeated in random order and spelling come out once, in first order."""
    rng = random.Random(seed)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))) + "."
                  for _ in range(rng.randint(2, 6))]
    paragraphs = list(dict.fromkeys(paragraphs))
    repeats = [orthographic_variant(p, seed) for p in rng.sample(paragraphs, len(paragraphs))]
    result = clean_article(title="", body="\n\n".join(paragraphs + repeats))
    assert match_form(result.text) == match_form("\n\n".join(paragraphs))


def test_a_paragraph_left_with_punctuation_only_after_dedup_is_dropped() -> None:
    """Found by test_clean_is_idempotent: the repeated "قال" went and "." stayed behind
    as a paragraph, which the next pass dropped as a separator."""
    first = clean_article(title="", body="دمشق::قال\n\n.قال")
    assert first.text == "دمشق: قال"
    assert clean_article(title="", body=first.text).text == first.text
