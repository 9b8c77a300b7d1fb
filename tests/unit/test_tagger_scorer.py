"""The compiled scorer gives crfsuite's labels: same model file, same features, no strings."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pycrfsuite
import pytest

from akhbar.tagger.crfsuite_file import read_weights
from akhbar.tagger.features import Knowledge
from akhbar.tagger.model import MODEL_PATH, CrfModel
from akhbar.tagger.tokens import display_tokens
from akhbar.tagger.training.anercorp import ANERCORP_TRAIN, read_sentences
from akhbar.tagger.training.evaluate import documents, split_dev
from akhbar.tagger.viterbi import Decoder


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.shipped()


@pytest.fixture(scope="module")
def model() -> CrfModel:
    return CrfModel()


@pytest.fixture(scope="module")
def reference() -> pycrfsuite.Tagger:
    return CrfModel().reference()


def _differences(
    sequences: list[list[str]], knowledge: Knowledge, model: CrfModel, ref: pycrfsuite.Tagger
) -> tuple[int, int]:
    """(tokens, tokens whose label differs from crfsuite's) over both input paths."""
    tokens = differ = 0
    for words in sequences:
        expected = ref.tag(knowledge.features(words)[1])
        compiled = model.predict(knowledge.observe(words)[1])
        from_strings = model.predict(knowledge.features(words)[1])
        tokens += len(words)
        differ += sum(a != b for a, b in zip(compiled, expected, strict=True))
        differ += sum(a != b for a, b in zip(from_strings, expected, strict=True))
    return tokens, differ


def test_display_text_of_dev_documents_matches_crfsuite(
    knowledge: Knowledge, model: CrfModel, reference: pycrfsuite.Tagger
) -> None:
    """Words as the public tagger tokenises article text (the dev split's last documents)."""
    _, dev = split_dev(read_sentences(ANERCORP_TRAIN))
    docs = [display_tokens(doc.text).words for doc in documents(dev)[-4:]]
    tokens, differ = _differences(docs, knowledge, model, reference)
    assert tokens > 2000
    assert differ == 0


def test_anercorp_sentences_and_documents_match_crfsuite(
    knowledge: Knowledge, model: CrfModel, reference: pycrfsuite.Tagger
) -> None:
    """A slice here (all of it is measured by hand, see docs/benchmarks.md)."""
    sentences = read_sentences(ANERCORP_TRAIN)[:600]
    docs = [doc.words for doc in documents(sentences)]
    names = 0
    for words in docs:
        names += sum(label != "O" for label in model.predict(knowledge.observe(words)[1]))
    assert names > 250, "the slice must exercise the search, not only forced O tokens"
    tokens, differ = _differences(
        [list(s.words) for s in sentences] + docs, knowledge, model, reference
    )
    assert tokens > 30_000
    assert differ == 0


def test_weights_read_from_the_file_agree_with_crfsuite_dump(reference: pycrfsuite.Tagger) -> None:
    weights = read_weights(MODEL_PATH)
    info = reference.info()
    assert weights.labels == tuple(reference.labels())
    index = {label: i for i, label in enumerate(weights.labels)}
    assert sum(len(v) for v in weights.state.values()) == len(info.state_features)
    for (attr, label), dumped in info.state_features.items():
        assert dict(weights.state[attr])[index[label]] == pytest.approx(dumped, abs=5e-7)
    for (src, dst), dumped in info.transitions.items():
        assert weights.transitions[index[src]][index[dst]] == pytest.approx(dumped, abs=5e-7)


def _brute_force(scores: np.ndarray, trans: np.ndarray) -> float:
    """Best path score by full Viterbi (no forcing, no segments)."""
    alpha = scores[0].copy()
    for row in scores[1:]:
        alpha = (alpha[:, None] + trans).max(axis=0) + row
    return float(alpha.max())


def _path_score(path: list[int], scores: np.ndarray, trans: np.ndarray) -> float:
    total = sum(scores[i, y] for i, y in enumerate(path))
    return float(total + sum(trans[a, b] for a, b in itertools.pairwise(path)))


def test_forced_segments_keep_the_best_path_on_random_scores() -> None:
    """Scores near the forcing threshold: the split search must still find the optimum."""
    rng = random.Random(5)
    weights = read_weights(MODEL_PATH)
    trans = np.array(weights.transitions)
    outside = weights.labels.index("O")
    decoder = Decoder(weights.transitions, outside)
    forced_seen = searched_seen = 0
    for case in range(300):
        size = rng.randint(1, 40)
        scores = np.array([[rng.gauss(0, 3) for _ in weights.labels] for _ in range(size)])
        scores[:, outside] += rng.uniform(0, 14)
        forced = decoder.forced(scores[:, [outside]] - scores)
        forced_seen += int(forced.sum())
        searched_seen += int((~forced).sum())
        path = decoder.best_path(scores)
        assert all(path[i] == outside for i in np.flatnonzero(forced)), case
        best = _brute_force(scores, trans)
        assert _path_score(path, scores, trans) == pytest.approx(best, abs=1e-9), case
    assert forced_seen > 1000 and searched_seen > 1000
