"""Feature templates: each reads one word, one gazetteer label or one adjacent pair.

The compiled scorer sums cached vectors per word, per label and per pair; these tests
fail if a feature string appears that is not one of those pieces.
"""

from __future__ import annotations

import random

import pycrfsuite

from akhbar.tagger.features import (
    PAD_GAZ,
    PAD_INFO,
    PAD_WORD,
    TEMPLATES,
    WINDOW,
    GazFeature,
    Knowledge,
    Labels,
    PairFeature,
    WordFeature,
    sentence_features,
)
from akhbar.tagger.model import MODEL_PATH

WORDS = [
    "قال",
    "الرئيس",
    "الأمريكي",
    "جو",
    "بايدن",
    "في",
    "واشنطن",
    "إن",
    "الأمم",
    "المتحدة",
    "ستجتمع",
    "،",
    "وأضاف",
    "بايدن",
]


def _words(seed: int, size: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(WORDS) for _ in range(size)]


def _expected(words: list[str], gaz: list[Labels], j: int, knowledge: Knowledge) -> list[str]:
    """Token ``j``'s strings, rebuilt one template at a time from the single thing it reads."""

    def word(k: int) -> str:
        return words[k] if 0 <= k < len(words) else PAD_WORD

    def facts(k: int) -> object:
        return knowledge.info(words[k]).facts if 0 <= k < len(words) else PAD_INFO.facts

    out: list[str] = []
    for t in TEMPLATES:
        k = j + t.offset
        if isinstance(t, WordFeature):
            out.append(t.prefix + t.value(facts(k)))  # type: ignore[arg-type]
        elif isinstance(t, GazFeature):
            labels = gaz[k] if 0 <= k < len(words) else PAD_GAZ
            out.append(t.prefix + labels[t.channel])
        else:
            out.append(t.prefix + word(k) + "|" + word(k + 1))
    return out


def test_every_template_is_one_the_scorer_compiles() -> None:
    kinds = (WordFeature, GazFeature, PairFeature)
    assert all(isinstance(t, kinds) for t in TEMPLATES)
    assert all(abs(t.offset) <= WINDOW for t in TEMPLATES)
    assert len({t.prefix for t in TEMPLATES}) == len(TEMPLATES), "prefixes must be unique"


def test_strings_are_exactly_the_decomposed_pieces() -> None:
    knowledge = Knowledge.shipped()
    for seed in range(20):
        words = _words(seed, 1 + seed % 9)
        gaz = knowledge.observe(words)[1].gaz_labels
        rendered = knowledge.features(words)[1]
        for j in range(len(words)):
            assert rendered[j] == _expected(words, gaz, j, knowledge)


def test_a_change_outside_the_window_changes_nothing() -> None:
    knowledge = Knowledge.shipped()
    words = _words(1, 12)
    gaz = [PAD_GAZ] * len(words)
    infos = [knowledge.info(w) for w in words]
    base = sentence_features(words, gaz, infos)
    for far in range(len(words)):
        changed = list(words)
        changed[far] = "زززز"
        changed_gaz = list(gaz)
        changed_gaz[far] = ("B-PER", "B-PER", "B-big", "sport", "sport|B-PER", "sport|B-big")
        other = sentence_features(changed, changed_gaz, [knowledge.info(w) for w in changed])
        for j in range(len(words)):
            if abs(j - far) > WINDOW:
                assert other[j] == base[j]
            elif j == far:
                assert other[j] != base[j]


def test_every_attribute_of_the_shipped_model_is_still_rendered() -> None:
    """The shipped crf.model was trained on these strings: a rename would silently void it."""
    knowledge = Knowledge.shipped()
    first = knowledge.features(["قال", "بايدن"])[1][0]
    assert first[:3] == ["bias", "w=قال", "s=قال"]
    assert "w-1|w=<s>|قال" in first and "w|w+1=قال|بايدن" in first
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_PATH))
    learned = {attr.split("=", 1)[0] for attr, _ in tagger.info().state_features}
    assert learned <= {t.prefix.rstrip("=") for t in TEMPLATES}
    assert len(learned) > 25
