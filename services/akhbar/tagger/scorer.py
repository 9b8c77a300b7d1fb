"""The CRF compiled into cached weight vectors: state scores without feature strings.

Every template in :data:`akhbar.tagger.features.TEMPLATES` reads one word at an offset,
one gazetteer label at an offset, or one adjacent word pair. So a token's state scores
(one float per label) are a sum of vectors cached per distinct word and offset, per
gazetteer label and offset, and per adjacent pair the model knows. The weights come from
the model file at load time, so any retrained model works without a build step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from akhbar.tagger.crfsuite_file import CrfWeights
from akhbar.tagger.features import (
    GAZ_TEMPLATES,
    PAD_GAZ,
    PAD_INFO,
    PAD_WORD,
    PAIR_TEMPLATES,
    WINDOW,
    WORD_TEMPLATES,
    Knowledge,
    WordInfo,
    word_info,
)
from akhbar.tagger.viterbi import Decoder, Matrix

_CACHE_LIMIT = 100_000  # distinct words (~3 kB each with 7 labels): bounded worker memory
_WORD_OFFSETS = sorted({t.offset for t in WORD_TEMPLATES})
_GAZ_OFFSETS = sorted({t.offset for t in GAZ_TEMPLATES})


def _pair_table(prefix: str, rows: dict[str, int]) -> dict[str, dict[str, int]]:
    """``table[a][b]``: the row of attribute ``prefix + a + "|" + b``, for every split.

    A word may itself contain ``|``, so an attribute is entered at each ``|`` it has: a
    lookup then finds exactly the attributes whose string the pair would render.
    """
    table: dict[str, dict[str, int]] = {}
    for attr, row in rows.items():
        if attr.startswith(prefix):
            value = attr[len(prefix) :]
            for i, ch in enumerate(value):
                if ch == "|":
                    table.setdefault(value[:i], {})[value[i + 1 :]] = row
    return table


class CompiledCrf:
    """State scores and best labels for one model; caches are per-instance, one thread."""

    def __init__(self, weights: CrfWeights, o_bias: float = 0.0) -> None:
        self.labels = weights.labels
        self.o_bias = o_bias
        size = len(self.labels)
        self._outside = self.labels.index("O")
        attrs = list(weights.state)
        self._attr_row = {a: i for i, a in enumerate(attrs)}
        self._attr = np.zeros((len(attrs), size))
        for i, attr in enumerate(attrs):
            for label, weight in weights.state[attr]:
                self._attr[i, label] = weight
        self._pairs = [(t.offset, _pair_table(t.prefix, self._attr_row)) for t in PAIR_TEMPLATES]
        self._gaz_row: dict[str, int] = {}
        self._gaz = np.zeros((0, len(_GAZ_OFFSETS), size))
        self._decoder = Decoder(weights.transitions, self._outside)
        self._knowledge: Knowledge | None = None
        self._reset()

    def _reset(self) -> None:
        self._row: dict[str, int] = {}
        self._words = np.zeros((1024, len(_WORD_OFFSETS), len(self.labels)))
        self._words[0] = self._word_vectors(PAD_INFO)  # row 0: the padding, never a word

    def _vector(self, strings: Sequence[str]) -> npt.NDArray[np.float64]:
        """Sum of the weight rows of the strings the model knows."""
        rows = [r for r in map(self._attr_row.get, strings) if r is not None]
        return self._attr[rows].sum(axis=0)  # type: ignore[no-any-return]

    def _word_vectors(self, info: WordInfo) -> npt.NDArray[np.float64]:
        """One vector per word offset: what this word adds to the token that far away."""
        out = np.zeros((len(_WORD_OFFSETS), len(self.labels)))
        for block, offset in enumerate(_WORD_OFFSETS):
            strings = [
                s for s, t in zip(info.strings, WORD_TEMPLATES, strict=True) if t.offset == offset
            ]
            out[block] = self._vector(strings)
        return out

    def _word_rows(self, words: Sequence[str], knowledge: Knowledge) -> list[int]:
        """Cache rows of the words, compiling new ones."""
        if knowledge is not self._knowledge or len(self._row) + len(words) > _CACHE_LIMIT:
            self._knowledge = knowledge
            self._reset()  # other word lists, or bounded memory in a long-running worker
        get = self._row.get
        rows = [get(w, -1) for w in words]
        if -1 in rows:
            for i, word in enumerate(words):
                if rows[i] < 0:
                    rows[i] = self._compile(word, knowledge)
        return rows

    def _compile(self, word: str, knowledge: Knowledge) -> int:
        row = self._row.get(word)
        if row is not None:
            return row
        row = len(self._row) + 1
        if row == len(self._words):
            self._words = np.concatenate([self._words, np.zeros_like(self._words)])
        self._words[row] = self._word_vectors(word_info(word, knowledge.lexicon))
        self._row[word] = row
        return row

    def _gaz_rows(self, labels: Sequence[str]) -> list[int]:
        """Rows of the gazetteer labels' vectors (one per label offset), compiling new ones."""
        get = self._gaz_row.get
        rows = [get(label, -1) for label in labels]
        if -1 in rows:
            for label in set(labels) - self._gaz_row.keys():
                vectors = [
                    self._vector([t.prefix + label for t in GAZ_TEMPLATES if t.offset == offset])
                    for offset in _GAZ_OFFSETS
                ]
                self._gaz_row[label] = len(self._gaz)
                self._gaz = np.concatenate([self._gaz, np.array([vectors])])
            rows = [self._gaz_row[label] for label in labels]
        return rows

    def _add_pairs(self, scores: Matrix, padded: list[str]) -> None:
        """Adjacent-pair features, looked up word by word (no strings built)."""
        size = len(scores)
        for offset, table in self._pairs:
            lo = WINDOW + offset
            pairs = zip(padded[lo : lo + size], padded[lo + 1 : lo + 1 + size], strict=True)
            hits = [
                (j, row)
                for j, (a, b) in enumerate(pairs)
                if (following := table.get(a)) is not None and (row := following.get(b)) is not None
            ]
            if hits:
                tokens, rows = zip(*hits, strict=True)
                scores[list(tokens)] += self._attr[list(rows)]

    def state_scores(
        self, words: Sequence[str], gaz_labels: Sequence[str], knowledge: Knowledge
    ) -> Matrix:
        """``(tokens, labels)`` state scores, as crfsuite computes them from the strings."""
        size = len(words)
        pad = [0] * WINDOW
        rows = [*pad, *self._word_rows(words, knowledge), *pad]  # may grow self._words
        gathered = self._words[rows]
        scores = np.zeros((size, len(self.labels)))
        for block, offset in enumerate(_WORD_OFFSETS):
            scores += gathered[WINDOW + offset : WINDOW + offset + size, block]
        gaz_pad = [PAD_GAZ] * WINDOW
        gaz_rows = self._gaz_rows([*gaz_pad, *gaz_labels, *gaz_pad])  # may grow self._gaz
        gaz = self._gaz[gaz_rows]
        for block, offset in enumerate(_GAZ_OFFSETS):
            scores += gaz[WINDOW + offset : WINDOW + offset + size, block]
        word_pad = [PAD_WORD] * WINDOW
        self._add_pairs(scores, [*word_pad, *words, *word_pad])
        return scores

    def string_scores(self, features: Sequence[Sequence[str]]) -> Matrix:
        """State scores straight from feature strings (the reference path, no caches)."""
        scores = np.zeros((len(features), len(self.labels)))
        for j, strings in enumerate(features):
            scores[j] = self._vector(strings)
        return scores

    def decode(self, scores: Matrix) -> list[str]:
        """Best labels; ``o_bias`` is taken off every O score first (0 keeps crfsuite's)."""
        if self.o_bias:
            scores = scores.copy()
            scores[:, self._outside] -= self.o_bias
        labels = self.labels
        return [labels[i] for i in self._decoder.best_path(scores)]
