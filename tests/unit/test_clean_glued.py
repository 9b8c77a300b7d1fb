"""Glued-word splitting: certain splits only, measured against the shipped word counts."""

from __future__ import annotations

import random

import pytest

from akhbar.core.glued import FREQUENT_PART_COUNT, find_split, split_glued_words
from akhbar.core.lexicon import is_plausible_word, word_counts
from akhbar.core.normalize import match_form
from tests.support.variants import sprinkle_diacritics


def _split(text: str) -> tuple[str, dict[str, int]]:
    removed: dict[str, int] = {}
    return split_glued_words(text, removed), removed


def test_word_counts_load_and_are_match_forms() -> None:
    counts = word_counts()
    assert len(counts) > 10_000
    sample = random.Random(0).sample(sorted(counts), 500)
    assert all(match_form(word) == word for word in sample)


@pytest.mark.parametrize(
    ("glued", "split"),
    [("الأممالمتحدة", "الأمم المتحدة"), ("مجلسالأمن", "مجلس الأمن")],
)
def test_known_glued_pairs_are_split(glued: str, split: str) -> None:
    text, removed = _split(f"قال ممثل {glued} اليوم")
    assert text == f"قال ممثل {split} اليوم"
    assert removed == {"glued_words_split": 1}


def test_split_keeps_diacritics_on_the_right_side() -> None:
    glued = sprinkle_diacritics("الأممالمتحدة", random.Random(5), rate=0.6)
    text, _ = _split(glued)
    left, right = text.split(" ")
    assert match_form(left) == "الامم"
    assert match_form(right) == "المتحده"


def _frequent_words(prefix_al: bool) -> list[str]:
    counts = word_counts()
    return [w for w, c in counts.items() if c >= FREQUENT_PART_COUNT and len(w) >= 4
            and w.startswith("ال") == prefix_al]


def test_synthetic_glued_pairs_are_split_correctly_or_left() -> None:
    """Glue random frequent words; a split, when made, must be at the true boundary."""
    rng = random.Random(42)
    firsts, seconds = _frequent_words(False) + _frequent_words(True), _frequent_words(True)
    made = wrong = 0
    for _ in range(400):
        a, b = rng.choice(firsts), rng.choice(seconds)
        cut = find_split(a + b, word_counts())
        if cut is not None:
            made += 1
            wrong += cut != len(a)
    assert made >= 100
    assert wrong <= made * 0.03


def test_known_words_are_never_split() -> None:
    counts = word_counts()
    words = [w for w in counts if len(w) >= 7]
    assert all(find_split(w, counts) is None for w in words)
    assert all(is_plausible_word(w, counts) for w in words)


@pytest.mark.parametrize("word", ["البراميل", "والمتحدة", "بالأمم", "للمفاوضات"])
def test_real_words_are_left_alone(word: str) -> None:
    text, removed = _split(word)
    assert text == word
    assert removed == {}
