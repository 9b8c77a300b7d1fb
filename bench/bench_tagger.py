"""Tagger speed, load time and resident memory, on text the tagger's choices never saw.

Run: ``.venv/bin/python -m bench.bench_tagger [--repeat 5] [--check]``.

Text: the dev split of the training file (its last 20 % of sentences, which no feature,
rule or setting was chosen on), as 20-sentence documents joined into display text, the
shape ``evaluate --dev`` scores. Each figure is measured in a fresh child process, so
"load" and "first pass" are cold:

- load: CPU and wall seconds of ``default_tagger()`` (model, gazetteer, knowledge files);
- speed: tokens per CPU second of ``Tagger.tag`` on one core, first pass (cold caches)
  and best of ``--repeat`` passes;
- memory: peak resident set (``ru_maxrss``) of a process that builds the tag worker's
  processor (``akhbar.workers.processors.tag_processor``: the worker's imports and the
  tagger) and tags every document as an article (``tag_article``).

``--check`` instead compares the compiled scorer's labels with crfsuite's on every
sentence of the training file, every 20-sentence document and the dev documents' display
tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from akhbar.tagger.tokens import display_tokens
from akhbar.tagger.training.anercorp import read_sentences
from akhbar.tagger.training.evaluate import documents, split_dev


def dev_texts() -> list[str]:
    """The dev split as display-text documents."""
    _, dev = split_dev(read_sentences())
    return [doc.text for doc in documents(dev)]


def _load() -> dict[str, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    from akhbar.tagger import default_tagger

    default_tagger()
    return {"load_cpu_s": time.process_time() - cpu, "load_wall_s": time.perf_counter() - wall}


def _speed(repeat: int) -> dict[str, float]:
    from akhbar.tagger import default_tagger

    texts = dev_texts()
    tagger = default_tagger()
    tokens = sum(len(display_tokens(t)) for t in texts)
    times: list[float] = []
    for _ in range(repeat):
        started = time.process_time()
        for text in texts:
            tagger.tag(text)
        times.append(time.process_time() - started)
    return {
        "texts": len(texts),
        "tokens": tokens,
        "first_pass_tok_per_cpu_s": tokens / times[0],
        "best_tok_per_cpu_s": tokens / min(times),
    }


def _memory() -> dict[str, float]:
    from akhbar.config import Settings
    from akhbar.tagger import default_tagger
    from akhbar.workers.processors import tag_processor

    texts = dev_texts()
    tag_processor(Settings())  # the worker's imports and its tagger
    tagger = default_tagger()
    for text in texts:
        tagger.tag_article(text[:80], text)
    return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def check() -> None:
    """Labels of the compiled scorer vs ``pycrfsuite.Tagger.tag`` on the same features."""
    from akhbar.tagger import default_tagger

    tagger = default_tagger()
    knowledge, model = tagger.knowledge, tagger.model
    reference = model.reference()
    sentences = read_sentences()
    groups = {
        "training-file sentences": [list(s.words) for s in sentences],
        "20-sentence documents": [doc.words for doc in documents(sentences)],
        "dev documents, display tokens": [display_tokens(t).words for t in dev_texts()],
    }
    for name, sequences in groups.items():
        tokens = differ = 0
        for words in sequences:
            expected = reference.tag(knowledge.features(words)[1])
            got = model.predict(knowledge.observe(words)[1])
            tokens += len(words)
            differ += sum(a != b for a, b in zip(got, expected, strict=True))
        print(f"{name}: {len(sequences)} sequences, {tokens} tokens, {differ} differences")


def _child(what: str, repeat: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="compare labels with crfsuite")
    parser.add_argument("--child", choices=("load", "speed", "memory"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = {"load": _load, "memory": _memory}.get(args.child)
        print(json.dumps(run() if run else _speed(args.repeat)))
        return
    if args.check:
        check()
        return
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    load = _child("load", args.repeat)
    speed = _child("speed", args.repeat)
    memory = _child("memory", args.repeat)
    print(f"load: {load['load_cpu_s']:.2f} s CPU, {load['load_wall_s']:.2f} s wall")
    print(
        f"speed: {speed['texts']:.0f} dev documents, {speed['tokens']:.0f} tokens; "
        f"first pass {speed['first_pass_tok_per_cpu_s']:,.0f} tok/CPU-s, "
        f"best of {args.repeat} {speed['best_tok_per_cpu_s']:,.0f} tok/CPU-s"
    )
    print(f"tag worker peak RSS: {memory['peak_rss_mb']:.0f} MB")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
