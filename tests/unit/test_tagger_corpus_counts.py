"""Corpus-count features: buckets, the shipped file format, and no held-out label leaking.

The counts are derived from ANERcorp labels, so the tests that matter most check that a
sentence never sees its own labels (jackknife) and a CV fold never sees held-out ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.core.errors import DataFileMissing
from akhbar.tagger.features import Knowledge
from akhbar.tagger.lexicon import EMPTY_LEXICON, UNSEEN, CorpusStats, Seen
from akhbar.tagger.training.anercorp import Sentence
from akhbar.tagger.training.evaluate import fold_knowledge
from akhbar.tagger.training.train import corpus_stats, examples


def _sentence(words: str, labels: str) -> Sentence:
    return Sentence(tuple(words.split()), tuple(labels.split()))


def _counts_of(features: list[str]) -> dict[str, str]:
    """The corpus-count features of one token, as prefix -> value."""
    out: dict[str, str] = {}
    for f in features:
        head, _, value = f.partition("=")
        if head in {"twP", "twL", "twO", "tw0", "tsP", "tsL", "tsO", "ts0"}:
            out[head] = value
    return out


def test_buckets_follow_the_share_of_each_label() -> None:
    stats = corpus_stats(
        [
            _sentence("سمير قال", "B-PER O"),
            _sentence("سمير", "B-PER"),
            _sentence("سمير", "B-ORG"),
            _sentence("سمير", "O"),
            _sentence("قال الرياض", "O B-LOC"),
            _sentence("بالرياض", "B-LOC"),
        ]
    )
    lexicon = EMPTY_LEXICON.with_corpus(stats)
    assert lexicon.seen_word("سمير") == Seen(per="mid", org="mid", outside="")
    assert lexicon.seen_word("قال") == Seen(outside="O")
    assert lexicon.seen_word("الرياض") == Seen(loc="hi", outside="")
    assert lexicon.seen_word("عمان") == UNSEEN
    # the stem pools clitic and article variants of the same word
    assert stats.by_stem()["رياض"] == (0, 2, 0, 0)
    assert lexicon.seen_stem("رياض") == Seen(loc="hi", outside="")


def test_counts_file_round_trip(tmp_path: Path) -> None:
    stats = CorpusStats.from_labelled([(("سمير", "قال"), ("B-PER", "O"))])
    path = tmp_path / "word_stats.tsv"
    stats.write(path)
    assert CorpusStats.read(path) == stats
    assert CorpusStats.read(tmp_path / "missing.tsv").counts == {}


def test_training_sentence_never_sees_its_own_labels() -> None:
    """Jackknife: a name in one sentence only reads as unseen in that sentence's features."""
    sentences = [_sentence("قال الرئيس", "O O") for _ in range(9)]
    sentences.insert(3, _sentence("قال زيدان", "O B-PER"))
    pairs = list(examples(sentences, Knowledge.nothing()))
    assert [labels for _, labels in pairs] == [s.labels for s in sentences]
    features, _ = pairs[3]
    assert _counts_of(features[1])["tw0"] == "unseen"
    assert _counts_of(features[0])["tw0"] == "O"  # قال occurs in the other parts
    without = list(examples(sentences, Knowledge.nothing(), counts=False))
    assert _counts_of(without[0][0][0])["tw0"] == "unseen"


def test_cross_validation_fold_counts_come_from_training_folds_only() -> None:
    training = [_sentence("قال زيدان", "O B-PER")]
    knowledge = fold_knowledge(Knowledge.nothing(), training)
    _, features = knowledge.features(("زيدان", "بلاتر"))
    assert _counts_of(features[0])["twP"] == "hi"
    assert _counts_of(features[1])["tw0"] == "unseen"  # held-out only: no label known


def test_a_missing_shipped_counts_file_is_a_clear_error_not_a_silent_worse_tagger(
    tmp_path: Path,
) -> None:
    from akhbar.tagger.gazetteer import Gazetteer
    from akhbar.tagger.lexicon import build_lexicon

    missing = tmp_path / "word_stats.tsv"
    with pytest.raises(DataFileMissing, match=r"word_stats\.tsv is missing"):
        build_lexicon(Gazetteer([]), stats_path=missing)
    stats = CorpusStats({"زيدان": (3, 0, 0, 0)})
    stats.write(missing)
    assert build_lexicon(Gazetteer([]), stats_path=missing).seen_word("زيدان").per == "hi"
    # cross-validation passes its own counts: no file needed
    assert build_lexicon(Gazetteer([]), corpus=stats, stats_path=tmp_path / "none").corpus == stats
