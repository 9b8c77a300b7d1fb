"""Train the shipped CRF on the ANERcorp train split.

Run by hand: ``.venv/bin/python -m akhbar.tagger.train``. The model lands in
``data/crf.model``; ``data/NOTICE`` carries the corpus attribution and licence
(CC BY-SA 4.0) that ship with it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from akhbar.tagger.anercorp import ANERCORP_TRAIN, Sentence, read_sentences
from akhbar.tagger.features import Knowledge
from akhbar.tagger.model import DEFAULT_PARAMS, MODEL_PATH, CrfParams, train_model


def examples(
    sentences: Sequence[Sentence], knowledge: Knowledge
) -> Iterator[tuple[list[list[str]], tuple[str, ...]]]:
    """CRF training pairs, with the same features the tagger computes at run time."""
    for sentence in sentences:
        yield knowledge.features(sentence.words)[1], sentence.labels


def fit(
    sentences: Sequence[Sentence],
    path: Path,
    knowledge: Knowledge,
    params: CrfParams = DEFAULT_PARAMS,
) -> None:
    """Train on ``sentences`` and save to ``path``."""
    train_model(examples(sentences, knowledge), path, params)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ANERCORP_TRAIN)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--c1", type=float, default=DEFAULT_PARAMS.c1)
    parser.add_argument("--c2", type=float, default=DEFAULT_PARAMS.c2)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sentences = read_sentences(args.corpus)
    fit(sentences, args.out, Knowledge.shipped(), CrfParams(args.c1, args.c2))
    size = args.out.stat().st_size
    elapsed = time.perf_counter() - started
    print(
        f"trained on {len(sentences)} sentences in {elapsed:.0f}s: {args.out} ({size} bytes)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
