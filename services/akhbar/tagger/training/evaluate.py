"""The evaluation protocol: a dev split and cross-validation, scored through the public API.

Run: ``.venv/bin/python -m akhbar.tagger.training.evaluate --dev`` and ``--cv 5``.

- **dev**: the last 20 % of the training file's sentences (contiguous, like a later slice
  of the news). The model and its corpus counts come from the first 80 % only; nothing
  is ever trained on dev while features, rules or settings are chosen.
- **cv K**: K contiguous folds over the first 80 % (dev stays out); each fold's model is
  trained on the other K-1 folds.

Scoring: exact-span entity F1 over PER/LOC/ORG on documents of 20 consecutive sentences
(so in-document propagation works as in an article). Each document's corpus tokens are
joined into display text and tagged by :meth:`Tagger.tag`, the shipped code path; each
entity's character span is mapped back to the corpus tokens it starts and ends in (a
clitic the tagger leaves out of the span stays in ANERcorp's token, as in the gold).
The gazetteer and word lists come from outside ANERcorp, so they leak nothing.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from akhbar.tagger.entity import ENTITY_TYPES
from akhbar.tagger.features import Knowledge
from akhbar.tagger.model import CrfModel
from akhbar.tagger.pipeline import RULE_NAMES, RULES, Rule
from akhbar.tagger.tagger import Tagger
from akhbar.tagger.training.anercorp import ANERCORP_TRAIN, Sentence, bio_spans, read_sentences
from akhbar.tagger.training.train import DEFAULT_PARAMS, CrfParams, corpus_stats, fit, with_counts

Span = tuple[int, int, str]
DOC_SENTENCES = 20
DEV_SHARE = 0.2


@dataclass
class Scores:
    """True positives, predicted and gold counts per type."""

    tp: Counter[str]
    pred: Counter[str]
    gold: Counter[str]

    @classmethod
    def empty(cls) -> Scores:
        return cls(Counter(), Counter(), Counter())

    def add(self, predicted: set[Span], gold: set[Span]) -> None:
        """Count exact span+type agreement."""
        for kind in ("ALL", *ENTITY_TYPES):
            p = {s for s in predicted if kind in ("ALL", s[2])}
            g = {s for s in gold if kind in ("ALL", s[2])}
            self.tp[kind] += len(p & g)
            self.pred[kind] += len(p)
            self.gold[kind] += len(g)

    def merge(self, other: Scores) -> None:
        self.tp.update(other.tp)
        self.pred.update(other.pred)
        self.gold.update(other.gold)

    def prf(self, kind: str) -> tuple[float, float, float]:
        p = self.tp[kind] / self.pred[kind] if self.pred[kind] else 0.0
        r = self.tp[kind] / self.gold[kind] if self.gold[kind] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def table(self, title: str) -> str:
        rows = [f"{title}", "", "| type | P | R | F1 | gold |", "|---|---|---|---|---|"]
        for kind in (*ENTITY_TYPES, "ALL"):
            p, r, f = self.prf(kind)
            name = "all" if kind == "ALL" else kind
            rows.append(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {self.gold[kind]} |")
        return "\n".join(rows)

    def summary(self) -> dict[str, float]:
        kinds = ("ALL", *ENTITY_TYPES)
        return {("all" if k == "ALL" else k): round(self.prf(k)[2], 4) for k in kinds}


@dataclass(frozen=True, slots=True)
class Document:
    """Display text of consecutive corpus sentences, token starts in it, gold token spans."""

    text: str
    starts: list[int]
    words: list[str]
    gold: set[Span]


def documents(sentences: Sequence[Sentence], size: int = DOC_SENTENCES) -> list[Document]:
    """Consecutive sentences joined into documents: tokens by spaces, sentences by lines."""
    docs: list[Document] = []
    for first in range(0, len(sentences), size):
        parts: list[str] = []
        starts: list[int] = []
        words: list[str] = []
        gold: set[Span] = set()
        at = 0
        for sentence in sentences[first : first + size]:
            offset = len(starts)
            gold |= {(a + offset, b + offset, k) for a, b, k in bio_spans(sentence.labels)}
            for token in sentence.display:
                starts.append(at)
                at += len(token) + 1
            parts.append(" ".join(sentence.display))
            words += sentence.words
        docs.append(Document("\n".join(parts), starts, words, gold))
    return docs


def token_spans(tagger: Tagger, doc: Document) -> set[Span]:
    """The tagger's entities on the document text, as corpus-token spans."""
    spans: set[Span] = set()
    for entity in tagger.tag(doc.text):
        first = bisect.bisect_right(doc.starts, entity.start) - 1
        last = bisect.bisect_right(doc.starts, entity.end - 1) - 1
        spans.add((first, last + 1, entity.type))
    return spans


def score(tagger: Tagger, sentences: Sequence[Sentence]) -> Scores:
    """Entity scores of ``tagger`` on ``sentences`` grouped into documents."""
    scores = Scores.empty()
    for doc in documents(sentences):
        scores.add(token_spans(tagger, doc), doc.gold)
    return scores


def split_dev(sentences: Sequence[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    """(first 80 %, last 20 %) of the sentences, in order."""
    cut = len(sentences) - round(len(sentences) * DEV_SHARE)
    return list(sentences[:cut]), list(sentences[cut:])


def folds(sentences: Sequence[Sentence], k: int) -> list[tuple[list[Sentence], list[Sentence]]]:
    """K contiguous (training, held-out) pairs; the last fold takes the remainder."""
    size = len(sentences) // k
    out: list[tuple[list[Sentence], list[Sentence]]] = []
    for i in range(k):
        lo, hi = i * size, (len(sentences) if i == k - 1 else (i + 1) * size)
        out.append(([*sentences[:lo], *sentences[hi:]], list(sentences[lo:hi])))
    return out


def fold_knowledge(base: Knowledge, training: Sequence[Sentence]) -> Knowledge:
    """``base`` with corpus counts from these training sentences only."""
    return with_counts(base, corpus_stats(training))


@cache
def _shipped_lists() -> Knowledge:
    return Knowledge.shipped(counts=False)


def trained_tagger(
    training: Sequence[Sentence], model_path: Path, params: CrfParams = DEFAULT_PARAMS
) -> Tagger:
    """A tagger whose model and corpus counts come from ``training`` only.

    A model file already at ``model_path`` is reused (post-processing experiments on
    the same features); use a fresh directory whenever features or knowledge change.
    """
    knowledge = fold_knowledge(_shipped_lists(), training)
    if not model_path.is_file():
        fit(training, model_path, knowledge, params)
    return Tagger(knowledge, CrfModel(model_path))


@dataclass(frozen=True, slots=True)
class Split:
    """One scored split: the trained tagger and the sentences it is scored on."""

    tagger: Tagger
    held_out: list[Sentence]


def dev_splits(sentences: Sequence[Sentence], models: Path, params: CrfParams) -> list[Split]:
    """Train on the first 80 %, score the last 20 %."""
    training, dev = split_dev(sentences)
    return [Split(trained_tagger(training, models / "dev.model", params), dev)]


def cv_splits(
    sentences: Sequence[Sentence], k: int, models: Path, params: CrfParams
) -> list[Split]:
    """K contiguous folds over the first 80 %."""
    training, _ = split_dev(sentences)
    return [
        Split(trained_tagger(train, models / f"cv{i}of{k}.model", params), held)
        for i, (train, held) in enumerate(folds(training, k))
    ]


def score_splits(splits: Sequence[Split], rules: Sequence[Rule] = RULES) -> Scores:
    """Scores over all splits, with this rule chain."""
    total = Scores.empty()
    for split in splits:
        tagger = Tagger(split.tagger.knowledge, split.tagger.model, rules)
        total.merge(score(tagger, split.held_out))
    return total


def ablation(splits: Sequence[Split]) -> list[tuple[str, float]]:
    """F1 (all) lost when each rule alone is left out of the chain (positive: it helps)."""
    full = score_splits(splits).prf("ALL")[2]
    out: list[tuple[str, float]] = []
    for name in RULE_NAMES:
        without = [r for r in RULES if r.__name__ != name]
        out.append((name, full - score_splits(splits, without).prf("ALL")[2]))
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", action="store_true", help="train on the first 80 %%, score dev")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold CV on the 80 %%")
    parser.add_argument("--c1", type=float, default=DEFAULT_PARAMS.c1)
    parser.add_argument("--c2", type=float, default=DEFAULT_PARAMS.c2)
    parser.add_argument("--iterations", type=int, default=DEFAULT_PARAMS.max_iterations)
    parser.add_argument("--corpus", type=Path, default=ANERCORP_TRAIN)
    parser.add_argument("--keep-models", type=Path, default=None, help="reuse/keep models here")
    parser.add_argument("--ablate", action="store_true", help="leave out each rule in turn")
    args = parser.parse_args(argv)
    if not args.dev and not args.cv:
        parser.error("give --dev, --cv K or both")
    params = CrfParams(args.c1, args.c2, args.iterations)
    sentences = read_sentences(args.corpus)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        models = args.keep_models or Path(tmp)
        models.mkdir(parents=True, exist_ok=True)
        runs = [("dev", args.dev), (f"cv{args.cv}", bool(args.cv))]
        ablations: dict[str, dict[str, float]] = {}
        for name, wanted in runs:
            if not wanted:
                continue
            started = time.process_time()
            splits = (
                dev_splits(sentences, models, params)
                if name == "dev"
                else cv_splits(sentences, args.cv, models, params)
            )
            scores = score_splits(splits)
            cpu = time.process_time() - started
            setting = f"c1={params.c1} c2={params.c2} iterations={params.max_iterations}"
            title = f"{name} ({setting}; {cpu:.0f} s CPU)"
            print(scores.table(title), end="\n\n")
            results[name] = scores.summary()
            if args.ablate:
                ablations[name] = dict(ablation(splits))
    if ablations:
        print("| rule (left out) | " + " | ".join(f"{n} F1 lost" for n in ablations) + " |")
        print("|---|" + "---|" * len(ablations))
        for rule in RULE_NAMES:
            row = " | ".join(f"{ablations[n][rule]:+.4f}" for n in ablations)
            print(f"| {rule} | {row} |")
        print()
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
