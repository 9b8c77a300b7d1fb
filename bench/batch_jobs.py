"""``akhbar process --jobs N``: articles/s for 1 and 2 jobs (or more), in one run.

    .venv/bin/python -m bench.batch_jobs [--articles 3000] [--jobs 1 2] [--rounds 2] [--mix]

Writes ``--articles`` pseudo-articles as one JSON-lines file: consecutive ANERcorp
sentences, 12 per article (beyond ~320 articles the windows wrap and overlap, so most
articles are near copies of earlier ones), or with ``--mix`` a seeded random sample of
sentences per article (distinct articles, as many as asked). Then runs
``akhbar process --jobs N`` on it as a subprocess, for each N in ``--jobs``, ``--rounds``
times in alternation (1, 2, 1, 2 ...), so that load from other sessions falls on every N
alike. Two rates: over the whole wall time (start-up included: loading the tagger, ~1.4 s,
before the workers fork) and after start-up (from the first output line to the last).
Every run's stdout must be byte-identical to the first's.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from tests.support.corpus import anercorp_sentences, pseudo_articles, raw_record


def mixed_articles(count: int, sentences_per_article: int, seed: int = 7) -> list[str]:
    """Articles of sentences drawn at random: distinct, unlike wrapped windows."""
    rng = random.Random(seed)
    sentences = anercorp_sentences()
    out = []
    for index in range(count):
        chosen = rng.sample(sentences, sentences_per_article)
        paragraphs = [" ".join(chosen[k:k + 3]) for k in range(0, len(chosen), 3)]
        out.append("\n\n".join(paragraphs) + f"\n\n({index})")
    return out


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Wall seconds in all, seconds from the first output byte to the end, and stdout."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=env)
    assert process.stdout is not None
    first = process.stdout.read(1)
    first_at = time.monotonic()
    rest = process.stdout.read()
    if process.wait() != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    ended = time.monotonic()
    return ended - started, ended - first_at, first + rest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=12,
                        help="ANERcorp sentences per article (3,882 in all: beyond "
                        "3882/N articles the text repeats, and the tagger's per-word caches "
                        "favour one process that sees every repeat)")
    parser.add_argument("--mix", action="store_true",
                        help="sentences drawn at random per article (distinct articles)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKHBAR_")}
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "articles.jsonl"
        with path.open("wb") as out:
            bodies = (mixed_articles(args.articles, args.sentences) if args.mix else
                      pseudo_articles(args.articles, sentences_per_article=args.sentences))
            for n, body in enumerate(bodies):
                record = raw_record(f"p{n}", body) | {"ingested_at": 1.7e9}
                out.write(orjson.dumps(record) + b"\n")
        size = path.stat().st_size
        print(f"{args.articles} articles, {size / args.articles / 1000:.1f} KB each, "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        digests: set[str] = set()
        walls: dict[int, list[float]] = {n: [] for n in args.jobs}
        steady: dict[int, list[float]] = {n: [] for n in args.jobs}
        cpus: dict[int, list[float]] = {n: [] for n in args.jobs}
        for _ in range(args.rounds):
            for jobs in args.jobs:
                before = os.times()
                wall, after_start, stdout = run_once(
                    [sys.executable, "-m", "akhbar.cli", "process", "--jobs", str(jobs),
                     str(path)], env)
                walls[jobs].append(wall)
                steady[jobs].append(after_start)
                spent = os.times()
                cpus[jobs].append(spent.children_user + spent.children_system
                                  - before.children_user - before.children_system)
                digests.add(hashlib.sha256(stdout).hexdigest())
                print(f"  --jobs {jobs}: {walls[jobs][-1]:.1f} s", file=sys.stderr)
        assert len(digests) == 1, "the outputs differ between job counts"
    base, base_steady = min(walls[args.jobs[0]]), min(steady[args.jobs[0]])
    print(f"\n{args.articles} articles, best of {args.rounds} rounds, identical output")
    print("| jobs | wall (s) | articles/s | speed-up | after start-up (s) | articles/s "
          "| speed-up | CPU s (all processes) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for jobs in args.jobs:
        wall, after = min(walls[jobs]), min(steady[jobs])
        print(f"| {jobs} | {wall:.1f} | {args.articles / wall:,.0f} | {base / wall:.2f}x "
              f"| {after:.1f} | {args.articles / after:,.0f} | {base_steady / after:.2f}x "
              f"| {min(cpus[jobs]):.1f} |")


if __name__ == "__main__":
    main()
