"""Entity-level evaluation: K-fold CV on ANERcorp and the hand-annotated sample gold set.

Run: ``.venv/bin/python -m akhbar.tagger.evaluate [--folds 5] [--gold bench/data/...]``.
Folds are contiguous blocks of sentences; each fold's model is trained on the other
K-1 folds only. The gazetteer feature is built from CLDR/ISO/hand curation, never from
ANERcorp, so it leaks nothing. Held-out sentences are grouped into pseudo-documents of
consecutive sentences so in-document propagation has context, as in a news article.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from akhbar.tagger.anercorp import ANERCORP_TRAIN, Sentence, bio_spans, read_sentences
from akhbar.tagger.entity import ENTITY_TYPES
from akhbar.tagger.features import Knowledge
from akhbar.tagger.lexicon import EMPTY_STATS
from akhbar.tagger.model import DEFAULT_PARAMS, CrfModel, CrfParams
from akhbar.tagger.pipeline import find_mentions
from akhbar.tagger.tagger import Tagger, default_tagger
from akhbar.tagger.train import corpus_stats, fit, with_counts

Span = tuple[int, int, str]
DOC_SENTENCES = 20


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

    def prf(self, kind: str) -> tuple[float, float, float]:
        p = self.tp[kind] / self.pred[kind] if self.pred[kind] else 0.0
        r = self.tp[kind] / self.gold[kind] if self.gold[kind] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def table(self, title: str) -> str:
        rows = [f"| {title} | P | R | F1 | gold |", "|---|---|---|---|---|"]
        for kind in (*ENTITY_TYPES, "ALL"):
            p, r, f = self.prf(kind)
            rows.append(f"| {kind} | {p:.3f} | {r:.3f} | {f:.3f} | {self.gold[kind]} |")
        return "\n".join(rows)


def documents(sentences: Sequence[Sentence]) -> list[tuple[list[str], set[Span]]]:
    """Consecutive sentences joined into pseudo-documents with gold token spans."""
    docs: list[tuple[list[str], set[Span]]] = []
    for start in range(0, len(sentences), DOC_SENTENCES):
        words: list[str] = []
        gold: set[Span] = set()
        for sentence in sentences[start : start + DOC_SENTENCES]:
            offset = len(words)
            gold |= {(a + offset, b + offset, k) for a, b, k in bio_spans(sentence.labels)}
            words += sentence.words
        docs.append((words, gold))
    return docs


def score_fold(
    test: Sequence[Sentence], model: CrfModel, knowledge: Knowledge, propagate: bool
) -> Scores:
    """Score one held-out fold with the full token-level pipeline."""
    scores = Scores.empty()
    for words, gold in documents(test):
        mentions = find_mentions(words, knowledge, model, propagate)
        scores.add({(m.first, m.end, m.type) for m in mentions}, gold)
    return scores


def cross_validate(
    sentences: Sequence[Sentence],
    folds: int,
    use_gazetteer: bool,
    params: CrfParams,
    only_fold: int | None = None,
    keep: Path | None = None,
) -> dict[str, Scores]:
    """K-fold CV; returns scores with and without propagation (same models).

    Corpus-count features come from the training folds only: the shipped counts (from the
    whole split) are replaced for every fold, so no held-out label reaches a feature.
    """
    base = Knowledge.shipped(counts=False) if use_gazetteer else Knowledge.nothing()
    results = {"no-propagation": Scores.empty(), "propagation": Scores.empty()}
    size = len(sentences) // folds
    for k in range(folds):
        if only_fold is not None and k != only_fold:
            continue
        lo, hi = k * size, (len(sentences) if k == folds - 1 else (k + 1) * size)
        training = [*sentences[:lo], *sentences[hi:]]
        knowledge = fold_knowledge(base, training, use_gazetteer)
        with tempfile.TemporaryDirectory() as tmp:
            path = (keep or Path(tmp)) / f"fold{k}of{folds}-c1={params.c1}-c2={params.c2}.model"
            if not path.is_file():  # a kept model is reused: post-processing experiments
                fit(training, path, knowledge, params, counts=use_gazetteer)
            model = CrfModel(path)
            for name, prop in (("no-propagation", False), ("propagation", True)):
                fold_scores = score_fold(sentences[lo:hi], model, knowledge, prop)
                _merge(results[name], fold_scores)
    return results


def fold_knowledge(base: Knowledge, training: Sequence[Sentence], counts: bool) -> Knowledge:
    """``base`` with corpus counts from this fold's training sentences (or none at all)."""
    return with_counts(base, corpus_stats(training) if counts else EMPTY_STATS)


def _merge(total: Scores, part: Scores) -> None:
    total.tp.update(part.tp)
    total.pred.update(part.pred)
    total.gold.update(part.gold)


def score_gold(path: Path, tagger: Tagger, samples: Path | None) -> tuple[Scores, list[str]]:
    """Score the shipped tagger on hand-annotated display text; also list the errors.

    With ``samples`` (the directory of the annotated articles) each sentence is scored
    inside its whole article, as the service sees it, so propagation has its context.
    """
    scores = Scores.empty()
    errors: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        text: str = item["text"]
        gold: set[Span] = {(e["start"], e["end"], e["type"]) for e in item["entities"]}
        predicted = _predicted_spans(tagger, text, item, samples)
        scores.add(predicted, gold)
        errors += [f"missed {k} {text[a:b]}" for a, b, k in sorted(gold - predicted)]
        errors += [f"spurious {k} {text[a:b]}" for a, b, k in sorted(predicted - gold)]
    return scores, errors


def _predicted_spans(
    tagger: Tagger, text: str, item: dict[str, Any], samples: Path | None
) -> set[Span]:
    if samples is None:
        return {(e.start, e.end, e.type) for e in tagger.tag(text)}
    article = (samples / item["sample"]).read_text(encoding="utf-8")
    lo = item["offset"]
    if article[lo : lo + len(text)] != text:
        raise ValueError(f"gold sentence not found at offset {lo} of {item['sample']}")
    entities = tagger.tag(article)
    return {
        (e.start - lo, e.end - lo, e.type)
        for e in entities
        if lo <= e.start and e.end <= lo + len(text)
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only-fold", type=int, default=None)
    parser.add_argument("--no-gazetteer", action="store_true")
    parser.add_argument("--c1", type=float, default=DEFAULT_PARAMS.c1)
    parser.add_argument("--c2", type=float, default=DEFAULT_PARAMS.c2)
    parser.add_argument("--corpus", type=Path, default=ANERCORP_TRAIN)
    parser.add_argument("--keep-models", type=Path, default=None, help="reuse/keep fold models")
    parser.add_argument("--gold", type=Path, default=None, help="score this gold JSONL only")
    parser.add_argument("--samples", type=Path, default=None, help="articles the gold came from")
    args = parser.parse_args(argv)
    if args.gold is not None:
        scores, errors = score_gold(args.gold, default_tagger(), args.samples)
        context = "in article context" if args.samples else "sentence by sentence"
        title = f"gold set {args.gold.name}, shipped model, {context}"
        print(scores.table(title), *errors, sep="\n")
        return
    params = CrfParams(args.c1, args.c2)
    sentences = read_sentences(args.corpus)
    results = cross_validate(
        sentences, args.folds, not args.no_gazetteer, params, args.only_fold, args.keep_models
    )
    setting = f"gazetteer={not args.no_gazetteer} c1={args.c1} c2={args.c2}"
    for name, scores in results.items():
        print(scores.table(f"CV {args.folds}-fold, {setting}, {name}"), end="\n\n")
    print(json.dumps({k: v.prf("ALL") for k, v in results.items()}))


if __name__ == "__main__":
    main()
