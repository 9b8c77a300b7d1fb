"""Train the shipped CRF on the ANERcorp train split.

Run by hand: ``.venv/bin/python -m akhbar.tagger.training.train``. The model lands in
``data/crf.model`` and the corpus label counts it reads as features in
``data/word_stats.tsv``; ``data/NOTICE`` carries the corpus attribution and licence
(CC BY-SA 4.0) that ship with both. Deterministic: crfsuite's L-BFGS has no randomness,
so the same corpus, templates and knowledge files give the same model file.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from akhbar.tagger.features import Knowledge
from akhbar.tagger.lexicon import CORPUS_STATS_PATH, EMPTY_STATS, CorpusStats
from akhbar.tagger.model import MODEL_PATH
from akhbar.tagger.training.anercorp import ANERCORP_TRAIN, Sentence, read_sentences

JACKKNIFE_PARTS = 5
CONTEXT_SENTENCES = 20  # an article-sized block: the topic features read it


@dataclass(frozen=True, slots=True)
class CrfParams:
    """Training settings; L1 (c1) keeps the shipped model small, L2 (c2) smooths it."""

    c1: float = 0.01
    c2: float = 1.0
    max_iterations: int = 200
    min_freq: int = 2


DEFAULT_PARAMS = CrfParams()


def train_model(
    examples: Iterable[tuple[list[list[str]], Sequence[str]]],
    path: Path,
    params: CrfParams = DEFAULT_PARAMS,
) -> None:
    """Fit a CRF on ``(features, labels)`` sequences and write it to ``path``."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in examples:
        trainer.append(features, list(labels))
    trainer.set_params(
        {
            "c1": params.c1,
            "c2": params.c2,
            "max_iterations": params.max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": params.min_freq,
        }
    )
    trainer.train(str(path))


def corpus_stats(sentences: Sequence[Sentence]) -> CorpusStats:
    """Label counts per word of these sentences."""
    return CorpusStats.from_labelled((s.words, s.labels) for s in sentences)


def with_counts(knowledge: Knowledge, stats: CorpusStats) -> Knowledge:
    """The same gazetteer and lists with other corpus counts (fresh word cache)."""
    return Knowledge(knowledge.gazetteer, knowledge.lexicon.with_corpus(stats))


def examples(
    sentences: Sequence[Sentence], knowledge: Knowledge, counts: bool = True
) -> Iterator[tuple[list[list[str]], tuple[str, ...]]]:
    """CRF training pairs, with the same features the tagger computes at run time.

    Corpus-count features of each contiguous fifth of the sentences come from the other
    four fifths only (jackknife): counted on the sentence itself they would always agree
    with its labels, and the CRF would trust them far more than they deserve on new text.
    ``counts=False`` trains without them (every word reads as unseen).
    """
    size = len(sentences)
    topics = context_topics(sentences, knowledge)
    for part in range(JACKKNIFE_PARTS):
        lo, hi = part * size // JACKKNIFE_PARTS, (part + 1) * size // JACKKNIFE_PARTS
        stats = corpus_stats([*sentences[:lo], *sentences[hi:]]) if counts else EMPTY_STATS
        part_knowledge = with_counts(knowledge, stats)
        for i in range(lo, hi):
            features = part_knowledge.features(sentences[i].words, topics[i])[1]
            yield features, sentences[i].labels


def context_topics(sentences: Sequence[Sentence], knowledge: Knowledge) -> list[list[str]]:
    """Each sentence's topic labels, read over its block of consecutive sentences."""
    out: list[list[str]] = []
    for first in range(0, len(sentences), CONTEXT_SENTENCES):
        block = sentences[first : first + CONTEXT_SENTENCES]
        labels = knowledge.lexicon.world.topic_labels([w for s in block for w in s.words])
        at = 0
        for sentence in block:
            out.append(labels[at : at + len(sentence.words)])
            at += len(sentence.words)
    return out


def fit(
    sentences: Sequence[Sentence],
    path: Path,
    knowledge: Knowledge,
    params: CrfParams = DEFAULT_PARAMS,
    counts: bool = True,
) -> None:
    """Train on ``sentences`` and save to ``path``."""
    train_model(examples(sentences, knowledge, counts), path, params)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ANERCORP_TRAIN)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--c1", type=float, default=DEFAULT_PARAMS.c1)
    parser.add_argument("--c2", type=float, default=DEFAULT_PARAMS.c2)
    parser.add_argument("--stats-out", type=Path, default=CORPUS_STATS_PATH)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sentences = read_sentences(args.corpus)
    fit(sentences, args.out, Knowledge.shipped(counts=False), CrfParams(args.c1, args.c2))
    corpus_stats(sentences).write(args.stats_out)  # what the model reads at run time
    size = args.out.stat().st_size
    elapsed = time.perf_counter() - started
    print(
        f"trained on {len(sentences)} sentences in {elapsed:.0f}s: {args.out} ({size} bytes)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
