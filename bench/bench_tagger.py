"""Tagger throughput, single core: tokens per second on the sample articles.

Run: ``.venv/bin/python bench/bench_tagger.py [--repeat 20]``. Two paths are timed:
the full tagger (match form + gazetteer + CRF + propagation + offset mapping) and the
gazetteer lookup alone (match form + tokenise + longest match).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from akhbar.core.normalize import match_with_offsets
from akhbar.tagger import default_tagger
from akhbar.tagger.tokens import tokenize

SAMPLES = Path("/work/shared/samples")


def tokens_per_second(texts: list[str], run: Callable[[str], object], repeat: int) -> float:
    """Best-of-``repeat`` throughput over all texts, counted in match-form tokens."""
    tokens = sum(len(tokenize(match_with_offsets(t)[0])) for t in texts)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            run(text)
        best = min(best, time.perf_counter() - started)
    return tokens / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.samples.glob("*.txt"))]
    tagger = default_tagger()
    gazetteer = tagger.knowledge.gazetteer

    def gazetteer_only(text: str) -> object:
        match, _ = match_with_offsets(text)
        return gazetteer.find([t.text for t in tokenize(match)])

    total = sum(len(tokenize(match_with_offsets(t)[0])) for t in texts)
    print(f"{len(texts)} texts, {total} tokens, best of {args.repeat}")
    for label, run in (("full tagger (CRF path)", tagger.tag), ("gazetteer path", gazetteer_only)):
        print(f"{label:24}{tokens_per_second(texts, run, args.repeat):>10,.0f} tok/s")


if __name__ == "__main__":
    main()
