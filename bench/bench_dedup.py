"""Throughput and memory of Deduper.check() against a large index, on one core.

    .venv/bin/python -m bench.bench_dedup [--index-size 100000] [--queries 20000] [--seed 3]

Synthetic articles are 12-20 random ANERcorp sentences (about 450 words, like a news
article), so shingles have real Arabic word statistics while every article is distinct.
The index is filled with ``--index-size`` of them; then new articles are checked, and
after that a mix where one in five is an edited copy of an indexed article.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from akhbar.core.dedup import Deduper
from akhbar.core.normalize import match_form
from bench.dedup_variants import plain, read_anercorp


def rss_bytes() -> int:
    """Resident set size now (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096


def synthetic(sentences: list[str], rng: random.Random) -> Iterator[str]:
    """Yield match forms of distinct pseudo-articles made of random real sentences."""
    while True:
        picked = rng.sample(sentences, rng.randint(12, 20))
        yield match_form("\n".join(picked))


def copy_of(text: str, rng: random.Random) -> str:
    """An edited copy: one word in 30 replaced, or an exact copy."""
    if rng.random() < 0.3:
        return text
    words = text.split()
    return " ".join("تعديل" if rng.random() < 1 / 30 else w for w in words)


def timed(label: str, items: list[tuple[str, str]], check: Callable[[str, str], Any]) -> None:
    """Print wall-clock and CPU-time rates: the CPU rate is what one idle core would do."""
    verdicts: Counter[str] = Counter()
    start, cpu_start = time.perf_counter(), time.process_time()
    for article_id, text in items:
        verdicts[check(article_id, text).status] += 1
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"{label}: {len(items)} checks, {len(items) / wall:,.0f} articles/s wall"
          f" ({1e6 * wall / len(items):.0f} us), {len(items) / cpu:,.0f} articles/s CPU"
          f" ({1e6 * cpu / len(items):.0f} us); verdicts={dict(verdicts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after filling: the worker's tables keep values in"
                        " rocksdb, not as millions of Python objects the collector walks")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sentences = plain(read_anercorp())
    source = synthetic(sentences, rng)
    filler = [(f"fill-{i}", next(source)) for i in range(args.index_size)]
    fresh = [(f"new-{i}", next(source)) for i in range(args.queries)]
    mixed = [(f"mix-{i}", copy_of(rng.choice(filler)[1], rng) if rng.random() < 0.2
              else next(source)) for i in range(args.queries)]
    words = sum(len(t.split()) for _, t in fresh) / len(fresh)
    print(f"python {sys.version.split()[0]}, {args.index_size} indexed, {words:.0f} words/article,"
          f" gc_freeze={args.gc_freeze}")

    gc.collect()
    before = rss_bytes()
    signatures: dict[str, Any] = {}
    deduper = Deduper(signatures=signatures)
    timed("fill index", filler, lambda i, t: deduper.check(i, t, 0.0))
    gc.collect()
    filled = rss_bytes()
    print(f"RSS delta, state in mappings + buckets: {(filled - before) / 2**20:.0f} MiB "
          f"({(filled - before) / args.index_size:,.0f} B/article)")

    start = time.perf_counter()
    restarted = Deduper(signatures=signatures)
    restarted.indexed_count()
    rebuild = time.perf_counter() - start
    gc.collect()
    print(f"rebuild after restart: {rebuild:.2f} s; RSS of the derived index alone "
          f"(buckets + expiry queues): {(rss_bytes() - filled) / 2**20:.0f} MiB")
    del restarted
    gc.collect()
    if args.gc_freeze:
        gc.freeze()

    timed("check new (match form given)", fresh, lambda i, t: deduper.check(i, t, 1.0))
    timed("check 20% copies (match form given)", mixed, lambda i, t: deduper.check(i, t, 2.0))
    raw = [(f"raw-{i}", "\n".join(rng.sample(sentences, rng.randint(12, 20))))
           for i in range(min(5000, args.queries))]
    timed("match_form + check new", raw, lambda i, t: deduper.check(i, match_form(t), 3.0))
    start = time.perf_counter()
    removed = deduper.expire(3.0 + deduper.window_seconds + 0.5)
    print(f"expire: {removed} entries removed in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
