"""The dedup goals, on a smaller labelled set than bench/dedup_eval.py and another seed."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import dedup_eval  # noqa: E402


@pytest.fixture(scope="module")
def corpus() -> dedup_eval.Corpus:
    return dedup_eval.build_corpus(seed=11, max_originals=40)


@pytest.fixture(scope="module")
def outcomes(corpus: dedup_eval.Corpus) -> dict[str, Counter[str]]:
    return dedup_eval.evaluate(corpus, threshold=0.8, bands=16)


def test_corpus_has_every_kind_of_case(corpus: dedup_eval.Corpus) -> None:
    kinds = Counter(case.expect for case in corpus.cases)
    assert len(corpus.originals) >= 40
    assert kinds["exact"] >= 200 and kinds["near"] >= 200 and kinds["unique"] >= 50


def test_every_exact_variant_is_caught_as_exact(
    corpus: dedup_eval.Corpus, outcomes: dict[str, Counter[str]]
) -> None:
    assert dedup_eval.summary(outcomes, corpus)["exact_recall"] == 1.0


def test_near_duplicates_reach_precision_and_recall_goals(
    corpus: dedup_eval.Corpus, outcomes: dict[str, Counter[str]]
) -> None:
    result = dedup_eval.summary(outcomes, corpus)
    assert result["near_precision"] >= 0.95
    assert result["near_recall"] >= 0.95


def test_no_hard_negative_or_original_is_flagged(
    corpus: dedup_eval.Corpus, outcomes: dict[str, Counter[str]]
) -> None:
    assert dedup_eval.summary(outcomes, corpus)["negatives_flagged"] == 0
    assert outcomes["original"]["tn"] == len(corpus.originals)
