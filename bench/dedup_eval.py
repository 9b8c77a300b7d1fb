"""Precision and recall of the Deduper per kind of duplicate, on generated labelled cases.

    .venv/bin/python bench/dedup_eval.py [--seed 7] [--threshold 0.8] [--bands 16] [--sweep]

Every case is checked independently against a snapshot of the index of originals, so
one case never changes the verdict on another and ``duplicate_of`` must name the
exact original the case was made from.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from akhbar.core.dedup import Deduper, Verdict
from akhbar.core.minhash import shingles
from akhbar.core.normalize import match_form
from dedup_variants import (
    EXACT_EDITS,
    NEAR_EDITS,
    Article,
    Case,
    Tagged,
    all_exact_edits,
    anercorp_chunks,
    entities,
    make_article,
    plain,
    read_anercorp,
    sample_articles,
    swap_entities,
)


@dataclass(frozen=True)
class Corpus:
    originals: list[Article]
    cases: list[Case]


def build_corpus(seed: int, max_originals: int | None = None) -> Corpus:
    """Originals plus exact, near and hard-negative cases, all from one seeded generator."""
    rng = random.Random(seed)
    chunks = list(anercorp_chunks(read_anercorp(), rng))
    originals = sample_articles(rng)
    by_chunk: dict[int, Article] = {}
    for i, chunk in enumerate(chunks):
        if i % 3 != 2:
            by_chunk[i] = make_article(f"aner-{i}", plain(chunk), rng)
    originals += list(by_chunk.values())[: max_originals]
    cases: list[Case] = []
    for art in originals:
        cases += _positives(art, rng)
    kept = {a.id for a in originals}
    for i, chunk in enumerate(chunks):
        if i % 3 == 2 and f"aner-{i - 1}" in kept:
            cases += _negatives(i, chunk, chunks[i - 1], by_chunk[i - 1], rng)
    return Corpus(originals, cases)


def _positives(art: Article, rng: random.Random) -> list[Case]:
    text = art.text()
    cases = [Case(f"{art.id}/x/{k}", e(text, rng), k, "exact", art.id)
             for k, e in EXACT_EDITS.items()]
    cases.append(Case(f"{art.id}/x/all", all_exact_edits(text, rng), "all_exact", "exact", art.id))
    cases += [Case(f"{art.id}/n/{k}", e(art, rng), k, "near", art.id)
              for k, e in NEAR_EDITS.items()]
    return cases


def _negatives(
    i: int, held: list[Tagged], prev: list[Tagged], prev_art: Article, rng: random.Random
) -> list[Case]:
    """Held-out chunk ``i`` against the indexed chunk just before it (often the same story)."""
    body = plain(held)
    source = prev_art.id
    lead = [prev_art.title, prev_art.sentences()[0]]
    quoted = list(prev_art.paragraphs[len(prev_art.paragraphs) // 2])
    names = entities(prev) or ["الأمم المتحدة"]
    held_names = entities(held) or ["الأمم المتحدة"]
    texts = {
        "next_chunk_same_story": "\n".join(body),
        "shared_lead": "\n".join(lead + body),
        "entity_swap": "\n".join(swap_entities(held, names, rng)),
        "quotes_a_paragraph": "\n".join(body[:5] + quoted + body[5:]),
    }
    if _changeable_share(prev) >= 0.1:
        texts["template_reuse"] = "\n".join(_renumber(swap_entities(prev, held_names, rng), rng))
    return [Case(f"neg-{i}/{k}", t, k, "unique", source) for k, t in texts.items()]


def _changeable_share(chunk: list[Tagged]) -> float:
    """Share of tokens that are names or numbers: what a template fills in."""
    tokens = [(tok, tag) for sentence in chunk for tok, tag in sentence]
    filled = sum(tag != "O" or any(ch.isdigit() for ch in tok) for tok, tag in tokens)
    return filled / len(tokens)


def _renumber(sentences: list[str], rng: random.Random) -> list[str]:
    """Give every number a new value: the same template reporting a different event."""
    return [re.sub(r"[0-9]+", lambda _: str(rng.randint(2, 999)), s) for s in sentences]


def index_originals(corpus: Corpus, **options: float) -> tuple[dict, list[Verdict]]:
    signatures: dict[str, object] = {}
    deduper = Deduper(signatures=signatures, **options)  # type: ignore[arg-type]
    verdicts = [deduper.check(a.id, match_form(a.text()), 0.0) for a in corpus.originals]
    return signatures, verdicts


def evaluate(corpus: Corpus, **options: float) -> dict[str, Counter[str]]:
    """Return, per case kind, a count of outcomes: tp/fn for copies, tn/fp for negatives."""
    signatures, verdicts = index_originals(corpus, **options)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    outcomes["original"]["tn"] = sum(v.status == "unique" for v in verdicts)
    outcomes["original"]["fp"] = sum(v.status != "unique" for v in verdicts)
    for case in corpus.cases:
        deduper = Deduper(signatures=dict(signatures), **options)  # type: ignore[arg-type]
        verdict = deduper.check(case.id, match_form(case.text), 1.0)
        outcomes[case.kind][_outcome(case, verdict)] += 1
        outcomes[case.kind][f"status_{verdict.status}"] += 1
    return outcomes


def _outcome(case: Case, verdict: Verdict) -> str:
    if case.expect == "unique":
        return "tn" if verdict.status == "unique" else "fp"
    right_status = verdict.status == case.expect or (case.expect == "near" and
                                                     verdict.status == "exact")
    if right_status and verdict.duplicate_of == case.source:
        return "tp"
    return "fn" if verdict.status == "unique" else "wrong"


def summary(outcomes: dict[str, Counter[str]], corpus: Corpus) -> dict[str, float]:
    """Near-dup precision/recall, exact recall and the number of flagged negatives."""
    kinds = {c.kind: c.expect for c in corpus.cases}
    near_kinds = [k for k, e in kinds.items() if e == "near"]
    exact_kinds = [k for k, e in kinds.items() if e == "exact"]
    neg_kinds = [k for k, e in kinds.items() if e == "unique"] + ["original"]
    near_tp = sum(outcomes[k]["tp"] for k in near_kinds)
    near_n = sum(outcomes[k].total() - _status_total(outcomes[k]) for k in near_kinds)
    flagged_near = (sum(outcomes[k]["status_near"] for k in kinds) + outcomes["original"]["fp"]
                    + sum(outcomes[k]["status_exact"] for k in near_kinds))
    exact_tp = sum(outcomes[k]["tp"] for k in exact_kinds)
    exact_n = sum(outcomes[k].total() - _status_total(outcomes[k]) for k in exact_kinds)
    return {
        "exact_recall": exact_tp / exact_n,
        "near_recall": near_tp / near_n,
        "near_precision": near_tp / flagged_near if flagged_near else 1.0,
        "negatives_flagged": sum(outcomes[k]["fp"] + outcomes[k]["wrong"] for k in neg_kinds),
    }


def _status_total(counts: Counter[str]) -> int:
    return sum(v for k, v in counts.items() if k.startswith("status_"))


def true_jaccard(corpus: Corpus, width: int = 3) -> dict[str, list[float]]:
    """Exact shingle-set Jaccard of each case to its source: what the sketch estimates."""
    sources = {a.id: set(shingles(match_form(a.text()), width)) for a in corpus.originals}
    out: dict[str, list[float]] = defaultdict(list)
    for case in corpus.cases:
        mine, theirs = set(shingles(match_form(case.text), width)), sources[case.source or ""]
        out[case.kind].append(len(mine & theirs) / len(mine | theirs))
    return out


def print_report(corpus: Corpus, outcomes: dict[str, Counter[str]], options: dict) -> None:
    jaccards = true_jaccard(corpus, int(options.get("shingle_words", 3)))
    expect = {c.kind: c.expect for c in corpus.cases} | {"original": "unique"}
    print(f"options={options} originals={len(corpus.originals)} cases={len(corpus.cases)}")
    print("rate = recall for copies, share left unique for negatives; prec = right original"
          " among flagged; J = true shingle Jaccard to the source")
    print(f"{'kind':22} {'expect':6} {'n':>4} {'rate':>6} {'prec':>5} {'exact':>5} {'near':>5}"
          f" {'uniq':>5} {'J min':>6} {'J med':>6} {'J max':>6}")
    for kind, counts in outcomes.items():
        print(_row(kind, expect[kind], counts, jaccards.get(kind, [0.0])))
    print({k: round(v, 4) for k, v in summary(outcomes, corpus).items()})


def _row(kind: str, expect: str, counts: Counter[str], js: list[float]) -> str:
    good = counts["tp"] + counts["tn"]
    n = good + counts["fn"] + counts["fp"] + counts["wrong"]
    flagged = counts["tp"] + counts["wrong"]
    prec = f"{counts['tp'] / flagged:5.3f}" if expect != "unique" and flagged else "    -"
    statuses = " ".join(f"{counts['status_' + s]:5d}" for s in ("exact", "near", "unique"))
    return (f"{kind:22} {expect:6} {n:4d} {good / n:6.3f} {prec} {statuses}"
            f" {min(js):6.3f} {statistics.median(js):6.3f} {max(js):6.3f}")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--bands", type=int, default=16)
    parser.add_argument("--shingle-words", type=int, default=3)
    parser.add_argument("--sweep", action="store_true", help="try several thresholds/bands")
    args = parser.parse_args(list(argv) if argv is not None else None)
    corpus = build_corpus(args.seed)
    base = {"threshold": args.threshold, "bands": args.bands, "shingle_words": args.shingle_words}
    print_report(corpus, evaluate(corpus, **base), base)
    if args.sweep:
        for width in (2, 3, 5):
            for threshold, bands in ((0.6, 32), (0.7, 32), (0.7, 16), (0.8, 16), (0.9, 16)):
                opts = {"threshold": threshold, "bands": bands, "shingle_words": width}
                print(opts, {k: round(v, 4) for k, v in
                             summary(evaluate(corpus, **opts), corpus).items()})


if __name__ == "__main__":
    main()
