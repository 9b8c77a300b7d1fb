"""Fast paths around the scorer: display tokens and the gazetteer's prefilter change nothing."""

from __future__ import annotations

import random
from collections.abc import Sequence

from akhbar.tagger.features import Knowledge
from akhbar.tagger.gazetteer import Gazetteer, GazMatch
from akhbar.tagger.tagger import _is_mark, light_form
from akhbar.tagger.tokens import CLITICS, clitic_readings, clitic_spellings, display_tokens
from tests.support.corpus import pseudo_articles, sample_texts


def _slow_find(gazetteer: Gazetteer, words: Sequence[str]) -> list[GazMatch]:
    """The scan without the prefilter: try every position."""
    found: list[GazMatch] = []
    i = 0
    while i < len(words):
        match = gazetteer._match_at(words, i)
        if match is None:
            i += 1
        else:
            found.append(match)
            i = match.end
    return found


def test_every_reading_is_covered_by_the_inverse() -> None:
    rng = random.Random(3)
    letters = "لاوفبكمنسرتدي"
    words = [
        "لل" + "".join(rng.choice(letters) for _ in range(rng.randint(2, 6))) for _ in range(300)
    ]
    words += [
        rng.choice(CLITICS) + "ال" + "".join(rng.choice(letters) for _ in range(4))
        for _ in range(300)
    ]
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 8))) for _ in range(600)]
    for word in words:
        for _, form in clitic_readings(word):
            assert word in clitic_spellings(form), (word, form)


def test_prefiltered_find_equals_the_full_scan() -> None:
    gazetteer = Knowledge.shipped().gazetteer
    texts = [text for _, text in sample_texts()] + list(pseudo_articles(60))
    total = 0
    for text in texts:
        words = display_tokens(text).words
        fast = gazetteer.find(words)
        assert fast == _slow_find(gazetteer, words)
        total += len(fast)
    assert total > 300


def test_display_tokens_keep_offsets_and_drop_marks_only_tokens() -> None:
    text = "قال \u064e الرئيسُ «بايدن» ، في\u0640 واشنطن"
    tokens = display_tokens(text)
    assert tokens.words == ["قال", "الرييس", '"', "بايدن", '"', ",", "في", "واشنطن"]
    spans = [text[tokens.start(i) : tokens.end(i)] for i in range(len(tokens))]
    assert spans == ["قال", "الرئيسُ", "«", "بايدن", "»", "،", "في\u0640", "واشنطن"]


def test_light_form_drops_exactly_the_marks() -> None:
    rng = random.Random(1)
    chars = [chr(c) for c in [*range(0x600, 0x700), 0x20, 0x41, 0x300, 0x301, 0x640, 0xA0]]
    for _ in range(3000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        kept = "".join(c for c in text if not _is_mark(c))
        assert light_form(text) == " ".join(kept.split())
    assert light_form("بَشّار  الأسد\u0640") == "بشار الأسد"
