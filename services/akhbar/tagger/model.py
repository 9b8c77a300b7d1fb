"""The CRF sequence model: train and save with python-crfsuite, predict compiled."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from akhbar.tagger.crfsuite_file import read_weights
from akhbar.tagger.features import Observation
from akhbar.tagger.gazetteer import DATA_DIR
from akhbar.tagger.scorer import CompiledCrf

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
    """A loaded CRF, decoded by the compiled scorer; crfsuite itself only trains.

    ``o_bias`` is taken off the O label's state score before decoding (more names, less
    precision as it grows); the default 0 gives exactly crfsuite's labels. Caches make
    ``predict`` safe for one thread at a time only (the tagger holds a lock).
    """

    def __init__(self, path: Path = MODEL_PATH, o_bias: float = 0.0) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"CRF model missing: {path} (run akhbar.tagger.train)")
        self.path = path
        self._scorer = CompiledCrf(read_weights(path), o_bias)

    @property
    def labels(self) -> tuple[str, ...]:
        return self._scorer.labels

    def predict(self, features: Observation | Sequence[Sequence[str]]) -> list[str]:
        """BIO labels, one per token, from an observation or from feature strings."""
        if isinstance(features, Observation):
            if not features.words:
                return []
            seen = features
            scores = self._scorer.state_scores(seen.words, seen.gaz_labels, seen.knowledge)
        else:
            if not features:
                return []
            scores = self._scorer.string_scores(features)
        return self._scorer.decode(scores)

    def reference(self) -> pycrfsuite.Tagger:
        """crfsuite's own tagger for this model file: the yardstick in tests and experiments."""
        tagger = pycrfsuite.Tagger()
        tagger.open(str(self.path))
        return tagger
