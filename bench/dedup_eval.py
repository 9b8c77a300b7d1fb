"""Precision and recall of the Deduper per kind of duplicate, on generated labelled cases.

    .venv/bin/python -m bench.dedup_eval [--seed 7] [--threshold 0.8] [--bands 16] [--sweep]
                                         [--match pipeline|clean|prose|raw]

Every case is checked independently against a snapshot of the index of originals, so
one case never changes the verdict on another and ``duplicate_of`` must name the
exact original the case was made from.

What the Deduper is given (``--match``): ``pipeline`` (default) is what the workers do,
the clean stage then :func:`akhbar.stages.match_text`; ``clean`` and ``prose`` force the
dateline into or out of the match text; ``raw`` skips cleaning (match form of the raw
text), as this evaluation did before cleaning was part of it.
"""

from __future__ import annotations

import argparse
import inspect
import random
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from akhbar.core import dedup
from akhbar.core.clean import clean_article
from akhbar.core.dedup import Deduper, Verdict
from akhbar.core.errors import RejectedInput
from akhbar.core.minhash import shingles
from akhbar.core.normalize import match_form
from akhbar.stages import match_text
from bench.dedup_variants import (
    EXACT_EDITS,
    NEAR_EDITS,
    Article,
    Case,
    Tagged,
    all_exact_edits,
    anercorp_chunks,
    block_tail,
    entities,
    make_article,
    plain,
    project_articles,
    read_anercorp,
    swap_entities,
    with_tail,
)

MATCH_MODES = ("pipeline", "clean", "prose", "raw")
TAIL_SHARE = 0.5  # pseudo-articles shown with a page tail (link list, sign-off)
# One held-out chunk in four is indexed as a breaking-news brief (its first sentences), and
# the full story that follows it is a hard negative: an update readers must still get.
BRIEF_EVERY = 4
BRIEF_SENTENCES = 2


@dataclass(frozen=True)
class Corpus:
    originals: list[Article]
    cases: list[Case]


def build_corpus(seed: int, max_originals: int | None = None) -> Corpus:
    """Originals plus exact, near and hard-negative cases, all from one seeded generator."""
    rng = random.Random(seed)
    chunks = list(anercorp_chunks(read_anercorp(), rng))
    originals = project_articles(rng)
    by_chunk: dict[int, Article] = {}
    for i, chunk in enumerate(chunks):
        if i % 3 != 2:
            by_chunk[i] = make_article(f"aner-{i}", plain(chunk), rng)
    titles = [a.title for a in by_chunk.values()]
    for i, art in by_chunk.items():
        if rng.random() < TAIL_SHARE:
            by_chunk[i] = with_tail(art, titles, rng)
    originals += list(by_chunk.values())[: max_originals]
    cases: list[Case] = []
    for art in originals:
        cases += _positives(art, rng, titles)
    kept = {a.id for a in originals}
    for i, chunk in enumerate(chunks):
        if i % 3 != 2 or f"aner-{i - 1}" not in kept:
            continue
        if (i // 3) % BRIEF_EVERY == BRIEF_EVERY - 1:  # a brief first, the full story later
            brief = make_article(f"brief-{i}", plain(chunk)[:BRIEF_SENTENCES], rng)
            full = make_article(f"neg-{i}/developing_story", plain(chunk), rng)
            originals.append(brief)
            cases.append(Case(full.id, full.text(), "developing_story", "unique", brief.id))
        else:
            cases += _negatives(i, chunk, chunks[i - 1], by_chunk[i - 1], rng, titles)
    return Corpus(originals, cases)


def _positives(art: Article, rng: random.Random, titles: list[str]) -> list[Case]:
    text = art.text()
    cases = [Case(f"{art.id}/x/{k}", e(text, rng), k, "exact", art.id)
             for k, e in EXACT_EDITS.items()]
    cases.append(Case(f"{art.id}/x/all", all_exact_edits(text, rng), "all_exact", "exact", art.id))
    cases += [Case(f"{art.id}/n/{k}", e(art, rng, titles), k, "near", art.id)
              for k, e in NEAR_EDITS.items()]
    return cases


def _negatives(
    i: int, held: list[Tagged], prev: list[Tagged], prev_art: Article, rng: random.Random,
    titles: list[str],
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
        # Another story of the same page template: the indexed story's own tail under it.
        "shared_tail": "\n".join(body + list(prev_art.tail or block_tail(titles, rng))),
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


def prepared(text: str, match: str) -> str:
    """What the Deduper gets for ``text`` (headline line, then body) in ``match`` mode."""
    if match == "raw":
        return match_form(text)
    title, _, body = text.partition("\n")
    try:
        cleaned = clean_article(title=title, body=body)
    except RejectedInput:
        return ""
    dateline = getattr(cleaned, "dateline", None)  # None from a cleaner before datelines
    record = {"title": cleaned.title, "text": cleaned.text,
              "dateline": dateline.to_dict() if dateline else None}
    if match == "pipeline":
        return match_text(record)
    return match_text(record, with_dateline=match == "clean")


@cache
def _prepared_all(corpus_id: int, match: str) -> dict[str, str]:
    corpus = _CORPORA[corpus_id]
    texts = {a.id: a.text() for a in corpus.originals} | {c.id: c.text for c in corpus.cases}
    return {key: prepared(text, match) for key, text in texts.items()}


_CORPORA: dict[int, Corpus] = {}


def prepared_texts(corpus: Corpus, match: str) -> dict[str, str]:
    """Every original's and case's prepared text by id, computed once per corpus and mode."""
    _CORPORA[id(corpus)] = corpus
    return _prepared_all(id(corpus), match)


def index_originals(
    corpus: Corpus, match: str = "pipeline", **options: float
) -> tuple[dict, list[Verdict]]:
    texts = prepared_texts(corpus, match)
    signatures: dict[str, object] = {}
    deduper = Deduper(signatures=signatures, **options)  # type: ignore[arg-type]
    verdicts = [deduper.check(a.id, texts[a.id], 0.0) for a in corpus.originals]
    return signatures, verdicts


def evaluate(
    corpus: Corpus, match: str = "pipeline", **options: float
) -> dict[str, Counter[str]]:
    """Return, per case kind, a count of outcomes: tp/fn for copies, tn/fp for negatives."""
    texts = prepared_texts(corpus, match)
    signatures, verdicts = index_originals(corpus, match, **options)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    outcomes["original"]["tn"] = sum(v.status == "unique" for v in verdicts)
    outcomes["original"]["fp"] = sum(v.status != "unique" for v in verdicts)
    for case in corpus.cases:
        deduper = Deduper(signatures=dict(signatures), **options)  # type: ignore[arg-type]
        verdict = deduper.check(case.id, texts[case.id], 1.0)
        outcomes[case.kind][_outcome(case, verdict)] += 1
        outcomes[case.kind][f"status_{verdict.status}"] += 1
        if verdict.status == "near" and case.expect != "unique":
            outcomes[case.kind]["near_right"] += verdict.duplicate_of == case.source
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
    """Recall per expectation, precision of the ``near`` verdicts, flagged negatives.

    ``exact_recall``: exact variants given ``exact``; ``exact_found``: exact variants given
    ``exact`` or ``near`` pointing at their original (a copy the pipeline still routes to
    duplicates); ``near_precision``: ``near`` verdicts that name the right original of a
    copy (an exact variant found as ``near`` counts as right).
    """
    kinds = {c.kind: c.expect for c in corpus.cases}
    near_kinds = [k for k, e in kinds.items() if e == "near"]
    exact_kinds = [k for k, e in kinds.items() if e == "exact"]
    neg_kinds = [k for k, e in kinds.items() if e == "unique"] + ["original"]
    near_tp = sum(outcomes[k]["tp"] for k in near_kinds)
    near_n = sum(outcomes[k].total() - _status_total(outcomes[k]) for k in near_kinds)
    exact_tp = sum(outcomes[k]["tp"] for k in exact_kinds)
    exact_n = sum(outcomes[k].total() - _status_total(outcomes[k]) for k in exact_kinds)
    flagged_near = sum(outcomes[k]["status_near"] for k in kinds) + outcomes["original"]["fp"]
    right_near = sum(outcomes[k]["near_right"] for k in kinds)
    return {
        "exact_recall": exact_tp / exact_n,
        "exact_found": (exact_tp + sum(outcomes[k]["near_right"] for k in exact_kinds)) / exact_n,
        "near_recall": near_tp / near_n,
        "near_precision": right_near / flagged_near if flagged_near else 1.0,
        "negatives_flagged": sum(outcomes[k]["fp"] + outcomes[k]["wrong"] for k in neg_kinds),
    }


def _status_total(counts: Counter[str]) -> int:
    """Counts that are not outcomes (statuses, right near verdicts)."""
    return sum(v for k, v in counts.items() if k.startswith("status_") or k == "near_right")


def true_jaccard(corpus: Corpus, width: int = 3, match: str = "pipeline") -> dict[str, list[float]]:
    """Exact shingle-set Jaccard of each case to its source: what the sketch estimates."""
    texts = prepared_texts(corpus, match)
    sources = {a.id: set(shingles(texts[a.id], width)) for a in corpus.originals}
    out: dict[str, list[float]] = defaultdict(list)
    for case in corpus.cases:
        mine, theirs = set(shingles(texts[case.id], width)), sources[case.source or ""]
        union = mine | theirs
        out[case.kind].append(len(mine & theirs) / len(union) if union else 1.0)
    return out


def print_report(corpus: Corpus, outcomes: dict[str, Counter[str]], options: dict,
                 match: str = "pipeline") -> None:
    jaccards = true_jaccard(corpus, int(options.get("shingle_words", 3)), match)
    expect = {c.kind: c.expect for c in corpus.cases} | {"original": "unique"}
    print(f"match={match} options={options} originals={len(corpus.originals)}"
          f" cases={len(corpus.cases)}")
    print("rate = recall for copies (exact variants: given exact), share left unique for"
          " negatives; prec = right original among flagged (exact or near);"
          " J = true shingle Jaccard to the source")
    print(f"{'kind':24} {'expect':6} {'n':>4} {'rate':>6} {'prec':>5} {'exact':>5} {'near':>5}"
          f" {'uniq':>5} {'J min':>6} {'J med':>6} {'J max':>6}")
    for kind, counts in outcomes.items():
        print(_row(kind, expect[kind], counts, jaccards.get(kind, [0.0])))
    print({k: round(v, 4) for k, v in summary(outcomes, corpus).items()})


def _row(kind: str, expect: str, counts: Counter[str], js: list[float]) -> str:
    good = counts["tp"] + counts["tn"]
    n = good + counts["fn"] + counts["fp"] + counts["wrong"]
    flagged = counts["status_exact"] + counts["status_near"]
    right = counts["tp"] + (counts["near_right"] if expect == "exact" else 0)
    prec = f"{right / flagged:5.3f}" if expect != "unique" and flagged else "    -"
    statuses = " ".join(f"{counts['status_' + s]:5d}" for s in ("exact", "near", "unique"))
    return (f"{kind:24} {expect:6} {n:4d} {good / n:6.3f} {prec} {statuses}"
            f" {min(js):6.3f} {statistics.median(js):6.3f} {max(js):6.3f}")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--bands", type=int, default=16)
    parser.add_argument("--shingle-words", type=int, default=3)
    # getattr: the same bench also runs against a checkout from before containment
    parser.add_argument("--containment", type=float, default=getattr(dedup, "CONTAINMENT", 0),
                        help="also near: an original whose estimated share in the copy"
                             " reaches this (0 turns it off)")
    parser.add_argument("--max-growth", type=float, default=getattr(dedup, "MAX_GROWTH", 1.25),
                        help="containment only for a copy at most this much larger")
    parser.add_argument("--match", choices=MATCH_MODES, default="pipeline",
                        help="what the Deduper is given (see the module docstring)")
    parser.add_argument("--sweep", action="store_true", help="try several thresholds/bands")
    args = parser.parse_args(list(argv) if argv is not None else None)
    args.containment = args.containment or None
    corpus = build_corpus(args.seed)
    base: dict[str, float | None] = {"threshold": args.threshold, "bands": args.bands,
                                     "shingle_words": args.shingle_words}
    if "containment" in inspect.signature(Deduper).parameters:  # not in older checkouts
        base |= {"containment": args.containment, "max_growth": args.max_growth}
    print_report(corpus, evaluate(corpus, args.match, **base), base, args.match)
    if args.sweep:
        for width in (2, 3, 5):
            for threshold, bands in ((0.6, 32), (0.7, 32), (0.7, 16), (0.8, 16), (0.9, 16)):
                opts = {**base, "threshold": threshold, "bands": bands, "shingle_words": width}
                print(opts, {k: round(v, 4) for k, v in
                             summary(evaluate(corpus, args.match, **opts), corpus).items()})


if __name__ == "__main__":
    main()
