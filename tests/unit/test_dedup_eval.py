"""The dedup goals, on a smaller labelled set than bench/dedup_eval.py and another seed.

Cases go through the pipeline's path (clean stage, then the match text), as the workers
see them; ``raw`` (match form of the raw text) checks what the content hash promises.
"""

from __future__ import annotations

from collections import Counter

import pytest
from bench import dedup_eval, dedup_variants

from tests.support import REPO

STRUCTURE_KINDS = ("flattened_tail", "standfirst", "tail_swap_dateline_1pct")


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
    assert {c.source for c in corpus.cases if c.source} >= {a.id for a in corpus.originals
                                                            if not a.id.startswith("brief-")}
    assert any(a.id.startswith("article-") for a in corpus.originals)  # tests/data/articles


def test_no_bench_input_comes_from_outside_the_repository() -> None:
    for path in (dedup_variants.ANERCORP, dedup_variants.TEST_ARTICLES):
        assert path.resolve().is_relative_to(REPO) and path.exists()


def test_every_exact_variant_has_the_same_match_form_hash(corpus: dedup_eval.Corpus) -> None:
    raw = dedup_eval.evaluate(corpus, "raw", threshold=0.8, bands=16)
    assert dedup_eval.summary(raw, corpus)["exact_recall"] == 1.0


def test_every_exact_variant_is_caught_after_cleaning(
    corpus: dedup_eval.Corpus, outcomes: dict[str, Counter[str]]
) -> None:
    result = dedup_eval.summary(outcomes, corpus)
    assert result["exact_found"] == 1.0  # exact or near, pointing at its original
    assert result["exact_recall"] >= 0.95  # line breaks inside sentences may change cleaning


def test_near_duplicates_reach_precision_and_recall_goals(
    corpus: dedup_eval.Corpus, outcomes: dict[str, Counter[str]]
) -> None:
    assert dedup_eval.summary(outcomes, corpus)["near_precision"] == 1.0
    long = dedup_eval.Corpus(corpus.originals,
                             [c for c in corpus.cases if c.source.startswith("aner-")])
    assert dedup_eval.summary(dedup_eval.evaluate(long, threshold=0.8, bands=16),
                              long)["near_recall"] >= 0.95


@pytest.mark.parametrize("kind", STRUCTURE_KINDS)
def test_copies_with_other_page_structure_are_all_found(
    kind: str, outcomes: dict[str, Counter[str]]
) -> None:
    """Flattened or swapped tails, a dateline added, 1 % of words edited, a standfirst."""
    assert outcomes[kind]["tp"] == outcomes[kind].total() - dedup_eval._status_total(
        outcomes[kind]) > 0


def test_no_hard_negative_or_original_is_flagged(
    corpus: dedup_eval.Corpus, outcomes: dict[str, Counter[str]]
) -> None:
    assert dedup_eval.summary(outcomes, corpus)["negatives_flagged"] == 0
    assert outcomes["original"]["tn"] == len(corpus.originals)
    assert outcomes["developing_story"]["tn"] > 0  # a full story after its brief is news
