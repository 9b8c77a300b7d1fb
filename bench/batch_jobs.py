"""``akhbar process --jobs N``: articles/s for 1 and 2 jobs (or more), in one run.

    .venv/bin/python -m bench.batch_jobs [--articles 3000] [--jobs 1 2] [--rounds 2]

Writes ``--articles`` pseudo-articles (consecutive ANERcorp sentences, 12 per article,
distinct) as one JSON-lines file, then runs ``akhbar process --jobs N`` on it as a
subprocess, for each N in ``--jobs``, ``--rounds`` times in alternation (1, 2, 1, 2 ...),
so that load from other sessions falls on every N alike. Wall time includes start-up
(loading the tagger, ~1.4 s). Every run's stdout must be byte-identical to the first's.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from tests.support.corpus import pseudo_articles, raw_record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=12,
                        help="ANERcorp sentences per article (3,882 in all: beyond "
                        "3882/N articles the text repeats, and the tagger's per-word caches "
                        "favour one process that sees every repeat)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKHBAR_")}
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "articles.jsonl"
        with path.open("wb") as out:
            bodies = pseudo_articles(args.articles, sentences_per_article=args.sentences)
            for n, body in enumerate(bodies):
                record = raw_record(f"p{n}", body) | {"ingested_at": 1.7e9}
                out.write(orjson.dumps(record) + b"\n")
        size = path.stat().st_size
        print(f"{args.articles} articles, {size / args.articles / 1000:.1f} KB each, "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        digests: set[str] = set()
        walls: dict[int, list[float]] = {n: [] for n in args.jobs}
        cpus: dict[int, list[float]] = {n: [] for n in args.jobs}
        for _ in range(args.rounds):
            for jobs in args.jobs:
                before = os.times()
                started = time.monotonic()
                result = subprocess.run([sys.executable, "-m", "akhbar.cli", "process",
                                         "--jobs", str(jobs), str(path)],
                                        capture_output=True, env=env, check=True)
                walls[jobs].append(time.monotonic() - started)
                after = os.times()
                cpus[jobs].append(after.children_user + after.children_system
                                  - before.children_user - before.children_system)
                digests.add(hashlib.sha256(result.stdout).hexdigest())
                print(f"  --jobs {jobs}: {walls[jobs][-1]:.1f} s", file=sys.stderr)
        assert len(digests) == 1, "the outputs differ between job counts"
    base = min(walls[args.jobs[0]])
    print(f"\n{args.articles} articles, best of {args.rounds} rounds, identical output")
    print("| jobs | wall (s) | articles/s | CPU s (all processes) | speed-up |")
    print("|---:|---:|---:|---:|---:|")
    for jobs in args.jobs:
        wall = min(walls[jobs])
        print(f"| {jobs} | {wall:.1f} | {args.articles / wall:,.0f} | "
              f"{min(cpus[jobs]):.1f} | {base / wall:.2f}x |")


if __name__ == "__main__":
    main()
