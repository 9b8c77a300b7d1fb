"""Tagger throughput, single core: tokens per second on the sample articles.

Run: ``.venv/bin/python bench/bench_tagger.py [--repeat 20]``. Two paths are timed:
the full tagger (tokenise + match form + gazetteer + CRF + propagation + offsets) and
the gazetteer lookup alone (tokenise + match form + longest match).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from akhbar.tagger import default_tagger
from akhbar.tagger.tokens import display_tokens

SAMPLES = Path("/work/shared/samples")


def tokens_per_second(
    texts: list[str], run: Callable[[str], object], repeat: int
) -> tuple[float, float]:
    """First-pass (cold caches) and best-of-``repeat`` throughput, tokens per CPU second.

    CPU time (not wall time) keeps the number meaningful on a shared, busy machine.
    """
    tokens = sum(len(display_tokens(t)) for t in texts)
    times: list[float] = []
    for _ in range(repeat):
        started = time.process_time()
        for text in texts:
            run(text)
        times.append(time.process_time() - started)
    return tokens / times[0], tokens / min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.samples.glob("*.txt"))]
    tagger = default_tagger()
    gazetteer = tagger.knowledge.gazetteer

    def gazetteer_only(text: str) -> object:
        return gazetteer.find(display_tokens(text).words)

    total = sum(len(display_tokens(t)) for t in texts)
    print(f"{len(texts)} texts, {total} tokens, best of {args.repeat}")
    for label, run in (("full tagger (CRF path)", tagger.tag), ("gazetteer path", gazetteer_only)):
        cold, warm = tokens_per_second(texts, run, args.repeat)
        print(f"{label:24}{cold:>10,.0f} tok/s first pass {warm:>10,.0f} tok/s best")


if __name__ == "__main__":
    main()
