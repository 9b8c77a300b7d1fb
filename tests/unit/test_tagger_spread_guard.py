"""The spread guard: a rarely-tagged one-word guess spreads only if it is not a common word."""

from __future__ import annotations

from akhbar.tagger.lexicon import EMPTY_LEXICON, CorpusStats
from akhbar.tagger.mention import Mention
from akhbar.tagger.propagate import propagated

# the word occurs 6 times, the CRF tagged it once (1/6 < SPREAD_MIN_SHARE)
WORDS = ("قال", "كورت", "ان", "كورت", "و", "كورت", "ثم", "كورت", "كورت", "كورت")
GUESS = Mention(1, 2, 0, "PER", ("كورت",), None, "model")


def test_rare_guess_of_a_common_word_does_not_spread() -> None:
    found = propagated(WORDS, [GUESS], {1}, common=lambda _: True)
    assert found == []


def test_rare_guess_of_a_word_unknown_to_training_spreads() -> None:
    found = propagated(WORDS, [GUESS], {1}, common=lambda _: False)
    assert [m.first for m in found] == [3, 5, 7, 8, 9]
    assert all(m.type == "PER" and m.origin == ("كورت",) for m in found)


def test_a_longer_guess_of_common_words_only_does_not_spread() -> None:
    words = ("فيما", "شن", "الطيران", "غارات", "ثم", "شن", "الطيران", "غارات")
    guess = Mention(1, 3, 0, "ORG", ("شن", "الطيران"), None, "model")
    assert propagated(words, [guess], {1, 2}, common=lambda _: True) == []
    one_new_word = propagated(words, [guess], {1, 2}, common=lambda w: w != "شن")
    assert [(m.first, m.end) for m in one_new_word] == [(5, 7)]


def test_common_word_means_seen_and_mostly_not_a_name() -> None:
    stats = CorpusStats.from_labelled(
        [
            (("كورت", "قال", "زيدان"), ("O", "O", "B-PER")),
            (("كورت", "زيدان"), ("B-PER", "B-PER")),
            (("بالكورت",), ("O",)),
        ]
    )
    lexicon = EMPTY_LEXICON.with_corpus(stats)
    assert lexicon.common_word("قال")
    assert lexicon.common_word("كورت")  # one of two uses was not a name
    assert not lexicon.common_word("زيدان")
    assert not lexicon.common_word("بلاتر")  # never seen: may be a new name
    assert lexicon.common_word("والكورت")  # unseen word, seen stem (mostly O)
