"""The CRF sequence model at run time: crfsuite's weights, decoded by the compiled scorer.

Training (python-crfsuite) lives in :mod:`akhbar.tagger.training.train`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from akhbar.core.errors import DataFileMissing
from akhbar.tagger.crfsuite_file import read_weights
from akhbar.tagger.features import Observation
from akhbar.tagger.gazetteer import DATA_DIR
from akhbar.tagger.scorer import CompiledCrf

MODEL_PATH = DATA_DIR / "crf.model"


class CrfModel:
    """A loaded CRF, decoded by the compiled scorer; crfsuite itself only trains.

    Labels are exactly crfsuite's. Caches make ``predict`` safe for one thread at a time
    only (the tagger holds a lock).
    """

    def __init__(self, path: Path = MODEL_PATH) -> None:
        if not path.is_file():
            raise DataFileMissing(
                f"CRF model missing: {path} (run python -m akhbar.tagger.training.train)"
            )
        self.path = path
        self._scorer = CompiledCrf(read_weights(path))

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
