"""Tagger throughput, single core: CPU per article and tokens per CPU second.

Run: ``.venv/bin/python bench/bench_tagger.py [--repeat 10] [--articles 300] [--check]``.
Timed, in one fresh process and in this order (so "first pass" means cold caches):
the full tagger (tokenise + match form + gazetteer + CRF + propagation + offsets) on
pseudo-articles built like ``bench/e2e.py`` builds them (8-14 random ANERcorp sentences,
paragraphs of three), then on the sample articles, then the gazetteer lookup alone
(tokenise + match form + longest match) on the samples. ``--check`` instead compares
the compiled scorer's labels with crfsuite's on every ANERcorp training sentence, every
20-sentence pseudo-document, the samples and the pseudo-articles.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.corpus

from tests.corpus import anercorp_sentences

from akhbar.tagger import default_tagger
from akhbar.tagger.anercorp import read_sentences
from akhbar.tagger.evaluate import documents
from akhbar.tagger.tagger import Tagger
from akhbar.tagger.tokens import display_tokens

SAMPLES = Path("/work/shared/samples")


def articles(count: int, seed: int) -> list[str]:
    """Distinct bodies shaped like the end-to-end bench's unique articles."""
    rng = random.Random(seed)
    sentences = anercorp_sentences()
    out: list[str] = []
    for _ in range(count):
        chosen = rng.sample(sentences, rng.randint(8, 14))
        out.append("\n\n".join(" ".join(chosen[k : k + 3]) for k in range(0, len(chosen), 3)))
    return out


def cpu_seconds(texts: list[str], run: Callable[[str], object], repeat: int) -> tuple[float, float]:
    """First-pass and best-of-``repeat`` CPU seconds for one pass over ``texts``.

    CPU time (not wall time) keeps the number meaningful on a shared, busy machine.
    """
    times: list[float] = []
    for _ in range(repeat):
        started = time.process_time()
        for text in texts:
            run(text)
        times.append(time.process_time() - started)
    return times[0], min(times)


def report(label: str, texts: list[str], run: Callable[[str], object], repeat: int) -> None:
    tokens = sum(len(display_tokens(t)) for t in texts)
    cold, warm = cpu_seconds(texts, run, repeat)
    print(
        f"{label:34}{len(texts):>5} texts {tokens / len(texts):>6.0f} tok/text | "
        f"first pass {cold / len(texts) * 1000:7.2f} ms/text {tokens / cold:>9,.0f} tok/s | "
        f"best {warm / len(texts) * 1000:7.2f} ms/text {tokens / warm:>9,.0f} tok/s"
    )


def check(tagger: Tagger, texts: list[str]) -> None:
    """Labels of the compiled scorer vs ``pycrfsuite.Tagger.tag`` on the same features."""
    knowledge, model = tagger.knowledge, tagger.model
    reference = model.reference()
    sentences = read_sentences()
    groups = {
        "ANERcorp sentences": [list(s.words) for s in sentences],
        "20-sentence pseudo-documents": [words for words, _ in documents(sentences)],
        "samples and pseudo-articles": [display_tokens(t).words for t in texts],
    }
    for name, sequences in groups.items():
        tokens = differ = 0
        for words in sequences:
            expected = reference.tag(knowledge.features(words)[1])
            got = model.predict(knowledge.observe(words)[1])
            tokens += len(words)
            differ += sum(a != b for a, b in zip(got, expected, strict=True))
        print(f"{name}: {len(sequences)} sequences, {tokens} tokens, {differ} differences")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--check", action="store_true", help="compare labels with crfsuite")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    bodies = articles(args.articles, args.seed)
    samples = [p.read_text(encoding="utf-8") for p in sorted(args.samples.glob("*.txt"))]
    started = time.process_time()
    tagger = default_tagger()
    print(f"tagger load: {time.process_time() - started:.2f} s CPU")
    gazetteer = tagger.knowledge.gazetteer
    if args.check:  # on its own: it would warm the caches the first pass measures cold
        check(tagger, samples + bodies)
        return

    def gazetteer_only(text: str) -> object:
        return gazetteer.find(display_tokens(text).words)

    report("full tagger, pseudo-articles", bodies, tagger.tag, args.repeat)
    report("full tagger, samples", samples, tagger.tag, args.repeat)
    report("gazetteer path, samples", samples, gazetteer_only, args.repeat)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
