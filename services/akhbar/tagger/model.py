"""The CRF sequence model: train, save, load, predict (python-crfsuite)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from akhbar.tagger.gazetteer import DATA_DIR

MODEL_PATH = DATA_DIR / "crf.model"


@dataclass(frozen=True, slots=True)
class CrfParams:
    """Training settings; L1 (c1) keeps the shipped model small, L2 (c2) smooths it."""

    c1: float = 0.01
    c2: float = 0.1
    max_iterations: int = 200
    min_freq: int = 2


DEFAULT_PARAMS = CrfParams()


def train_model(
    examples: Iterable[tuple[list[list[str]], Sequence[str]]],
    path: Path,
    params: CrfParams = DEFAULT_PARAMS,
) -> None:
    """Fit a CRF on ``(features, labels)`` sequences and write it to ``path``."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in examples:
        trainer.append(features, list(labels))
    trainer.set_params(
        {
            "c1": params.c1,
            "c2": params.c2,
            "max_iterations": params.max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": params.min_freq,
        }
    )
    trainer.train(str(path))


class CrfModel:
    """A loaded CRF; ``predict`` is reentrant for one thread (crfsuite taggers are not shared)."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"CRF model missing: {path} (run akhbar.tagger.train)")
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self.path = path

    def predict(self, features: list[list[str]]) -> list[str]:
        """BIO labels, one per token."""
        if not features:
            return []
        labels: list[str] = self._tagger.tag(features)
        return labels
