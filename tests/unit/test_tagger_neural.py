"""The neural experiment's numpy side (training.neural): no jax needed to run or test it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from akhbar.tagger import default_tagger
from akhbar.tagger.model import CrfModel
from akhbar.tagger.training.neural import (
    FIELDS,
    LABELS,
    WORD_FIELDS,
    Ensemble,
    NeuralModel,
    NumpyNet,
    Vocab,
)

HIDDEN = 8


def _net(seed: int, dilations: tuple[int, ...] = (1, 2)) -> NumpyNet:
    """A random net over a vocabulary of two words per word field."""
    rng = np.random.default_rng(seed)
    tables = [{"a": 2, "b": 3} for _ in FIELDS]
    size = 4  # pad, unknown, a, b
    convs = [
        (
            rng.normal(size=(3 * HIDDEN, HIDDEN)).astype(np.float32),
            rng.normal(size=HIDDEN).astype(np.float32),
            d,
        )
        for d in dilations
    ]
    return NumpyNet(
        Vocab(tables),
        rng.normal(size=(size * len(FIELDS), HIDDEN)).astype(np.float32),
        np.arange(len(FIELDS), dtype=np.int64) * size,
        rng.normal(size=HIDDEN).astype(np.float32),
        convs,
        rng.normal(size=(HIDDEN, len(LABELS))).astype(np.float32),
        rng.normal(size=len(LABELS)).astype(np.float32),
        rng.normal(size=(len(LABELS), len(LABELS))),
    )


def _ids(size: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 4, size=(size, len(FIELDS)))


def test_saved_net_scores_like_the_original(tmp_path: Path) -> None:
    net = _net(0)
    net.save(tmp_path / "net.npz")
    loaded = NumpyNet.load(tmp_path / "net.npz")
    ids = _ids(30, 1)
    assert loaded.vocab.tables == net.vocab.tables
    np.testing.assert_allclose(loaded.emissions(ids), net.emissions(ids), rtol=0.05, atol=0.05)


def test_a_token_reads_only_its_receptive_field() -> None:
    net = _net(0, dilations=(1, 2))  # each side: 1 + 2 tokens
    ids = _ids(20, 2)
    changed = ids.copy()
    changed[10] = (changed[10] + 1) % 4
    diff = np.abs(net.emissions(ids) - net.emissions(changed)).max(axis=1) > 1e-9
    assert diff[10]
    assert not diff[:7].any() and not diff[14:].any()


def test_ensemble_averages_scores_and_transitions() -> None:
    a, b = _net(0), _net(1)
    ids = _ids(12, 3)
    both = Ensemble([a, b])
    np.testing.assert_allclose(both.emissions(ids), (a.emissions(ids) + b.emissions(ids)) / 2)
    np.testing.assert_allclose(both.transitions, (a.transitions + b.transitions) / 2)


def test_hybrid_with_weight_zero_is_the_crf_and_labels_are_valid() -> None:
    tagger = default_tagger()
    words = ["وقال", "الرئيس", "أوليفر", "تامبو", "في", "مؤتمر", "صحفي", "في", "جوهانسبرغ"]
    _, obs = tagger.knowledge.observe(words)
    crf = CrfModel()
    alone = NeuralModel(_net(0)).predict(obs)
    assert len(alone) == len(words) and set(alone) <= set(LABELS)
    assert NeuralModel(_net(0), crf, 0.0).predict(obs) == crf.predict(obs)
    rows = _net(0).encode(words, obs.gaz_labels, tagger.knowledge)
    assert rows.shape == (len(words), len(FIELDS))
    assert (rows[:, : len(WORD_FIELDS)] == 1).all()  # words the toy vocabulary lacks: unknown
