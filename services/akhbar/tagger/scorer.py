"""The CRF compiled into cached weight vectors: state scores without feature strings.

Every template in :data:`akhbar.tagger.features.TEMPLATES` reads one word at an offset,
one gazetteer label at an offset, or one adjacent word pair. So a token's state scores
(one float per label) are a sum of vectors cached per distinct word and offset, per
gazetteer label and offset, and per adjacent pair the model knows. The weights come from
the model file at load time, so any retrained model works without a build step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    Labels,
    WordInfo,
    word_facts,
)
from akhbar.tagger.viterbi import Decoder, Matrix

_CACHE_LIMIT = 100_000  # distinct words (~3 kB each with 7 labels): bounded worker memory
_WORD_OFFSETS = sorted({t.offset for t in WORD_TEMPLATES})
_GAZ_OFFSETS = sorted({t.offset for t in GAZ_TEMPLATES})
_IDENTITY = [(t, _WORD_OFFSETS.index(t.offset)) for t in WORD_TEMPLATES if t.identity]
_CLASS = [(t, _WORD_OFFSETS.index(t.offset)) for t in WORD_TEMPLATES if not t.identity]
_CLASS_LIMIT = 20_000  # distinct class keys kept (a few thousand occur in practice)


@dataclass(frozen=True, slots=True)
class _PairKeys:
    """One pair template's known pairs as sorted ``id(a) * vocabulary + id(b)`` keys."""

    offset: int
    keys: npt.NDArray[np.int64]
    rows: npt.NDArray[np.intp]


def _pair_keys(rows: dict[str, int]) -> tuple[dict[str, int], list[_PairKeys]]:
    """Word ids over every word of a known pair, and each pair template's keys.

    A word may itself contain ``|``, so an attribute is entered at each ``|`` it has: a
    lookup then finds exactly the attributes whose string the pair would render.
    """
    vocabulary: dict[str, int] = {}
    found: list[tuple[int, list[tuple[int, int, int]]]] = []
    for template in PAIR_TEMPLATES:
        entries: list[tuple[int, int, int]] = []
        for attr, row in rows.items():
            if attr.startswith(template.prefix):
                value = attr[len(template.prefix) :]
                for i, ch in enumerate(value):
                    if ch == "|":
                        first = vocabulary.setdefault(value[:i], len(vocabulary))
                        second = vocabulary.setdefault(value[i + 1 :], len(vocabulary))
                        entries.append((first, second, row))
        found.append((template.offset, entries))
    size = len(vocabulary)
    tables: list[_PairKeys] = []
    for offset, entries in found:
        keys = np.array([a * size + b for a, b, _ in entries], dtype=np.int64)
        order = np.argsort(keys)
        table_rows = np.array([r for _, _, r in entries], dtype=np.intp)[order]
        tables.append(_PairKeys(offset, keys[order], table_rows))
    return vocabulary, tables


class CompiledCrf:
    """State scores and best labels for one model; caches are per-instance, one thread."""

    def __init__(self, weights: CrfWeights) -> None:
        self.labels = weights.labels
        size = len(self.labels)
        self._outside = self.labels.index("O")
        attrs = list(weights.state)
        self._attr_row = {a: i for i, a in enumerate(attrs)}
        self._attr = np.zeros((len(attrs), size))
        for i, attr in enumerate(attrs):
            for label, weight in weights.state[attr]:
                self._attr[i, label] = weight
        self._pair_vocabulary, self._pairs = _pair_keys(self._attr_row)
        self._gaz_row: dict[Labels, int] = {}
        self._gaz = np.zeros((0, len(_GAZ_OFFSETS), size))
        self._decoder = Decoder(weights.transitions, self._outside)
        self._knowledge: Knowledge | None = None
        # Per class key (see WordFacts.class_key): the vectors of the non-identity templates.
        self._class_row: dict[tuple[object, ...], int] = {}
        self._classes = np.zeros((256, len(_WORD_OFFSETS), size))
        self._reset()

    def _reset(self) -> None:
        self._row: dict[str, int] = {}
        self._words = np.zeros((1024, len(_WORD_OFFSETS), len(self.labels)))
        self._words[0] = self._word_vectors(PAD_INFO)  # row 0: the padding, never a word
        self._pair_id = np.full(len(self._words), -1, dtype=np.int64)  # id in known pairs
        self._pair_id[0] = self._pair_vocabulary.get(PAD_WORD, -1)

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
        """Cache rows of the words, compiling the new ones together."""
        if knowledge is not self._knowledge or len(self._row) + len(words) > _CACHE_LIMIT:
            self._knowledge = knowledge
            self._reset()  # other word lists, or bounded memory in a long-running worker
        get = self._row.get
        rows = [get(w, -1) for w in words]
        if -1 in rows:
            new = list(dict.fromkeys(w for w, r in zip(words, rows, strict=True) if r < 0))
            self._compile(new, knowledge)
            rows = [get(w, -1) for w in words]
        return rows

    def _compile(self, words: list[str], knowledge: Knowledge) -> None:
        """Per-offset vectors of new words: the class vectors (new classes compiled in one
        scatter-add), plus one scatter-add of the identity templates' weights."""
        first = len(self._row) + 1
        while first + len(words) > len(self._words):
            self._words = np.concatenate([self._words, np.zeros_like(self._words)])
            self._pair_id = np.concatenate([self._pair_id, np.full_like(self._pair_id, -1)])
        if len(self._class_row) + len(words) > _CLASS_LIMIT:
            self._class_row.clear()  # bounded memory: start over (rows are reused from 0)
            self._classes[:] = 0.0
        targets: list[int] = []
        attrs: list[int] = []
        classes: list[int] = []
        class_targets: list[int] = []
        class_attrs: list[int] = []
        get = self._attr_row.get
        lexicon = knowledge.lexicon
        blocks = len(_WORD_OFFSETS)
        for k, word in enumerate(words):
            base = (first + k) * blocks
            facts = word_facts(word, lexicon)
            key = facts.class_key()
            row = self._class_row.get(key)
            if row is None:
                row = self._new_class(key)
                for template, block in _CLASS:
                    attr = get(template.prefix + template.value(facts))
                    if attr is not None:
                        class_targets.append(row * blocks + block)
                        class_attrs.append(attr)
            classes.append(row)
            for template, block in _IDENTITY:
                attr = get(template.prefix + template.value(facts))
                if attr is not None:
                    targets.append(base + block)
                    attrs.append(attr)
            self._row[word] = first + k
        if class_targets:
            flat_classes = self._classes.reshape(-1, len(self.labels))
            np.add.at(flat_classes, class_targets, self._attr[class_attrs])
        self._words[first : first + len(words)] = self._classes[classes]
        flat = self._words.reshape(-1, len(self.labels))
        np.add.at(flat, targets, self._attr[attrs])
        ids = self._pair_vocabulary
        self._pair_id[first : first + len(words)] = [ids.get(w, -1) for w in words]

    def _new_class(self, key: tuple[object, ...]) -> int:
        """A zeroed row for a new class key."""
        row = self._class_row[key] = len(self._class_row)
        if row == len(self._classes):
            self._classes = np.concatenate([self._classes, np.zeros_like(self._classes)])
        return row

    def _gaz_rows(self, labels: Sequence[Labels]) -> list[int]:
        """Rows of the gazetteer labels' vectors (one per label offset), compiling new ones."""
        get = self._gaz_row.get
        rows = [get(label, -1) for label in labels]
        if -1 in rows:
            for label in set(labels) - self._gaz_row.keys():
                vectors = [
                    self._vector(
                        [t.prefix + label[t.channel] for t in GAZ_TEMPLATES if t.offset == offset]
                    )
                    for offset in _GAZ_OFFSETS
                ]
                self._gaz_row[label] = len(self._gaz)
                self._gaz = np.concatenate([self._gaz, np.array([vectors])])
            rows = [self._gaz_row[label] for label in labels]
        return rows

    def _add_pairs(self, scores: Matrix, pair_ids: npt.NDArray[np.int64]) -> None:
        """Adjacent-pair features: both words' pair ids form a key looked up in bulk."""
        size = len(scores)
        vocabulary = len(self._pair_vocabulary)
        for table in self._pairs:
            if not len(table.keys):
                continue
            lo = WINDOW + table.offset
            first, second = pair_ids[lo : lo + size], pair_ids[lo + 1 : lo + 1 + size]
            keys = first * vocabulary + second
            where = np.minimum(np.searchsorted(table.keys, keys), len(table.keys) - 1)
            hit = (table.keys[where] == keys) & (first >= 0) & (second >= 0)
            if hit.any():
                scores[hit] += self._attr[table.rows[where[hit]]]

    def state_scores(
        self, words: Sequence[str], gaz_labels: Sequence[Labels], knowledge: Knowledge
    ) -> Matrix:
        """``(tokens, labels)`` state scores, as crfsuite computes them from the strings."""
        size = len(words)
        pad = [0] * WINDOW
        rows = np.array([*pad, *self._word_rows(words, knowledge), *pad])  # may grow _words
        gathered = self._words[rows]
        scores = np.zeros((size, len(self.labels)))
        for block, offset in enumerate(_WORD_OFFSETS):
            scores += gathered[WINDOW + offset : WINDOW + offset + size, block]
        gaz_pad = [PAD_GAZ] * WINDOW
        gaz_rows = self._gaz_rows([*gaz_pad, *gaz_labels, *gaz_pad])  # may grow self._gaz
        gaz = self._gaz[gaz_rows]
        for block, offset in enumerate(_GAZ_OFFSETS):
            scores += gaz[WINDOW + offset : WINDOW + offset + size, block]
        self._add_pairs(scores, self._pair_id[rows])
        return scores

    def string_scores(self, features: Sequence[Sequence[str]]) -> Matrix:
        """State scores straight from feature strings (the reference path, no caches)."""
        scores = np.zeros((len(features), len(self.labels)))
        for j, strings in enumerate(features):
            scores[j] = self._vector(strings)
        return scores

    def decode(self, scores: Matrix) -> list[str]:
        """Best labels (crfsuite's)."""
        labels = self.labels
        return [labels[i] for i in self._decoder.best_path(scores)]
