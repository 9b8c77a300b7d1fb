"""Score the shipped tagger on the hand-annotated demo articles (bench/data/gold_demo.jsonl).

A sanity check of what a reader sees, never a score to tune on: 5 articles, ~100 entities,
annotated by the team (clitics outside the span, the article ال inside, nisba adjectives
alone not a name, competitions and indices not tagged). Exact character spans, per type.

    .venv/bin/python -m bench.tagger_gold [--errors]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import orjson

from akhbar.tagger import default_tagger

GOLD = Path(__file__).resolve().parent / "data" / "gold_demo.jsonl"
TYPES = ("PER", "LOC", "ORG")
Span = tuple[int, int, str]


def _spans(entities: list[dict[str, object]], where: str) -> set[tuple[str, int, int, str]]:
    return {(where, int(e["start"]), int(e["end"]), str(e["type"]))  # type: ignore[call-overload]
            for e in entities}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    tagger = default_tagger()
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    gold_count: Counter[str] = Counter()
    errors: list[str] = []
    for line in args.gold.read_bytes().splitlines():
        item = orjson.loads(line)
        in_title, in_body = tagger.tag_article(item["title"], item["text"])
        gold = _spans(item["title_entities"], "title") | _spans(item["entities"], "text")
        found = (_spans([e.to_dict() for e in in_title], "title")
                 | _spans([e.to_dict() for e in in_body], "text"))
        for kind in TYPES:
            tp[kind] += len({s for s in gold & found if s[3] == kind})
            predicted[kind] += len({s for s in found if s[3] == kind})
            gold_count[kind] += len({s for s in gold if s[3] == kind})
        for label, spans in (("missed", gold - found), ("spurious", found - gold)):
            errors += [f"{item['article']}: {label} {s[3]} {item[s[0]][s[1]:s[2]]}"
                       for s in sorted(spans)]
    print(f"gold set {args.gold.name}: exact spans in article context")
    print("| type | P | R | F1 | gold |\n|---|---|---|---|---|")
    for kind in (*TYPES, "ALL"):
        t = sum(tp.values()) if kind == "ALL" else tp[kind]
        p = sum(predicted.values()) if kind == "ALL" else predicted[kind]
        g = sum(gold_count.values()) if kind == "ALL" else gold_count[kind]
        precision, recall = (t / p if p else 0.0), (t / g if g else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"| {kind} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {g} |")
    if args.errors:
        print("\n".join(errors))


if __name__ == "__main__":
    main()
