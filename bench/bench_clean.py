"""Throughput of the clean stage's core: clean_article + match_form, on one core.

    .venv/bin/python -m bench.bench_clean [--rounds 7] [--repeat 20] [--html] [--glued]

The original demo articles (``examples/articles/``, ``tests.support.corpus.sample_texts``)
are cleaned ``--repeat`` times per round (plain text, as the raw topic carries them); each
round is timed and the median and best rounds are
reported, in MB/s of UTF-8 input and articles/s. A second line cleans orthographic
variants (diacritics, tatweel, hamza spellings, Indic digits, bidi controls; a fresh
variant per article, so no cache helps), which exercises the slow paths. ``--html``
also times the HTML path (trafilatura) on pages built from the same articles; ``--glued``
first prints a held-out evaluation of the glued-word splitter on ANERcorp.
"""

from __future__ import annotations

import argparse
import html
import itertools
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.corpus import sample_texts
from tests.support.variants import orthographic_variant

from akhbar.core.clean import clean_article
from akhbar.core.glued import find_split
from akhbar.core.lexicon import count_words
from akhbar.core.normalize import match_form

REPO = Path(__file__).resolve().parents[1]
Article = tuple[str, str]  # (content_type, body)


def _process(articles: list[Article]) -> None:
    for content_type, body in articles:
        cleaned = clean_article(title="", body=body, content_type=content_type)
        match_form(f"{cleaned.title}\n{cleaned.text}")


def _measure(name: str, make_round: Callable[[int], list[Article]], rounds: int) -> None:
    """Time ``rounds`` rounds (inputs built outside the timer); print median and best.

    Wall time and CPU time of this process are both reported: on a shared machine the
    CPU time is what one core really delivers, the wall time what a loaded one does.
    """
    wall: list[float] = []
    cpu: list[float] = []
    size = count = 0
    for round_ in range(rounds + 1):
        articles = make_round(round_)
        start, start_cpu = time.perf_counter(), time.process_time()
        _process(articles)
        if round_:  # the first round warms caches and imports
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            size = sum(len(body.encode("utf-8")) for _, body in articles)
            count = len(articles)
    for clock, timings in (("wall", wall), ("cpu", cpu)):
        for label, seconds in (("median", statistics.median(timings)), ("best", min(timings))):
            print(f"{name:<27} {clock:<4} {label:<6} {size / seconds / 1e6:6.2f} MB/s "
                  f"{count / seconds:7.0f} articles/s  ({count} articles, {size / 1e6:.2f} MB)")


def _as_html(text: str, title: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line)
    return (f"<html><head><title>{html.escape(title)}</title></head><body><nav>الرئيسية</nav>"
            f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>")


ANERCORP = Path(__file__).resolve().parents[1] / "data" / "anercorp" / "ANERCorp_CamelLab_train.txt"


def _glued_evaluation(seed: int = 1) -> None:
    """Held-out check of the glued-word rule: counts from the first 80 % of ANERcorp,
    real tokens and glued neighbour pairs from the last 20 %."""
    with ANERCORP.open(encoding="utf-8") as corpus:
        tokens = [line.split()[0] for line in corpus if line.strip()]
    cut = len(tokens) * 4 // 5
    counts = dict(count_words(tokens[:cut]))
    held = [w for w in (match_form(t) for t in tokens[cut:]) if w.isalpha()]
    wrong_real = [w for w in set(held) if find_split(w, counts) is not None]
    pairs = random.Random(seed).sample(list(itertools.pairwise(held)), 2000)
    cuts = [(len(a), find_split(a + b, counts)) for a, b in pairs]
    made = [c for c in cuts if c[1] is not None]
    right = sum(1 for true, got in made if true == got)
    print(f"held-out real tokens split: {len(wrong_real)} of {len(set(held))} "
          f"({', '.join(sorted(wrong_real)[:8])})")
    print(f"synthetic glued pairs: {len(made)} of {len(pairs)} split, {right} at the true "
          f"boundary, {len(made) - right} elsewhere")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--html", action="store_true")
    parser.add_argument("--glued", action="store_true", help="held-out glued-word evaluation")
    args = parser.parse_args()
    if args.glued:
        _glued_evaluation()
    texts = [text for _name, text in sample_texts()]
    plain = [("text/plain", text) for text in texts] * args.repeat
    _measure("samples, plain text", lambda _: plain, args.rounds)

    def variants(round_: int) -> list[Article]:
        rng = random.Random(round_)
        return [("text/plain", orthographic_variant(text, rng.randrange(10**9)))
                for text in texts for _ in range(args.repeat)]

    _measure("fresh variants, plain text", variants, args.rounds)
    if args.html:
        pages = [("text/html", _as_html(t, t.split(" ", 6)[-2])) for t in texts]
        _measure("samples as HTML pages", lambda _: pages * max(1, args.repeat // 4),
                 args.rounds)


if __name__ == "__main__":
    main()
