"""The CRF compiled into cached weight vectors: state scores without feature strings.

Every template in :data:`akhbar.tagger.features.TEMPLATES` reads one word at an offset,
one gazetteer label at an offset, or one adjacent word pair. So a token's state scores
(one float per label) are a sum of vectors cached per distinct word and offset, per
gazetteer label and offset, and per adjacent pair the model knows. The weights come from
the model file at load time, so any retrained model works without a build step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    WordFacts,
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
_Value = Callable[[WordFacts], str]


def _identity_groups() -> list[tuple[_Value, list[tuple[str, int]]]]:
    """The identity templates grouped by value function (``w=``, ``w-1=``... all read the
    word): one value and one lookup per group and word. One group per template instead if
    a group would read one block twice or grouping would change the order in which weights
    are added to a block (the float sums must stay those of the template order)."""
    groups: dict[_Value, list[tuple[str, int]]] = {}
    for template, block in _IDENTITY:
        groups.setdefault(template.value, []).append((template.prefix, block))
    grouped = [(prefix, block) for members in groups.values() for prefix, block in members]
    flat = [(t.prefix, block) for t, block in _IDENTITY]
    distinct = all(len({b for _, b in m}) == len(m) for m in groups.values())
    if not distinct or sorted(grouped, key=lambda m: m[1]) != sorted(flat, key=lambda m: m[1]):
        return [(t.value, [(t.prefix, block)]) for t, block in _IDENTITY]
    return list(groups.items())


_IDENTITY_GROUPS = _identity_groups()


def _by_prefix(rows: dict[str, int]) -> dict[str, dict[str, int]]:
    """``{prefix: {value: row}}`` for the word templates' prefixes: a template's row for a
    value is then found without building ``prefix + value``."""
    wanted = {t.prefix for t in WORD_TEMPLATES}
    simple = {p for p in wanted if p.find("=") == len(p) - 1}  # the prefix ends at its "="
    out: dict[str, dict[str, int]] = {p: {} for p in wanted}
    for attr, row in rows.items():
        head, sign, value = attr.partition("=")
        table = out.get(head + sign) if sign else None
        if table is not None and head + sign in simple:
            table[value] = row
    for prefix in wanted - simple:
        out[prefix] = {a[len(prefix) :]: r for a, r in rows.items() if a.startswith(prefix)}
    return out


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


def _doubled(table: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``table`` with as many zero rows again (``np.zeros`` pages in only as rows are
    written, where concatenating with ``zeros_like`` writes every byte twice)."""
    out = np.zeros((2 * len(table), *table.shape[1:]))
    out[: len(table)] = table
    return out


class CompiledCrf:
    """State scores and best labels for one model; caches are per-instance, one thread."""

    def __init__(self, weights: CrfWeights) -> None:
        self.labels = weights.labels
        size = len(self.labels)
        self._outside = self.labels.index("O")
        attrs = list(weights.state)
        self._attr_row = {a: i for i, a in enumerate(attrs)}
        self._attr = np.zeros((len(attrs) + 1, size))  # + a zero row: "no such attribute"
        none = len(attrs)
        for i, attr in enumerate(attrs):
            for label, weight in weights.state[attr]:
                self._attr[i, label] = weight
        self._pair_vocabulary, self._pairs = _pair_keys(self._attr_row)
        by_prefix = _by_prefix(self._attr_row)
        # Per identity group: its blocks, value -> index, and per index one attribute row
        # per block (the zero row where the model has no such attribute); the last index
        # is the value the model never saw.
        self._identity: list[tuple[_Value, list[int], dict[str, int], npt.NDArray[np.intp]]]
        self._identity = []
        for value, members in _IDENTITY_GROUPS:
            table: dict[str, list[int]] = {}
            for j, (prefix, _) in enumerate(members):
                for v, row in by_prefix[prefix].items():
                    table.setdefault(v, [none] * len(members))[j] = row
            index = {v: i for i, v in enumerate(table)}
            rows = np.array([*table.values(), [none] * len(members)], dtype=np.intp)
            blocks = [block for _, block in members]
            self._identity.append((value, blocks, index, rows))
        # Per class template: (value function, value -> attribute row); and per block, the
        # class templates that add to it, in template order.
        self._class_values = [(t.value, by_prefix[t.prefix].get) for t, _ in _CLASS]
        self._class_blocks = [
            (block, np.array([j for j, (_, b) in enumerate(_CLASS) if b == block], dtype=np.intp))
            for block in sorted({b for _, b in _CLASS})
        ]
        self._none = none
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
        """Per-offset vectors of new words: the class vectors (new classes compiled together,
        one running sum per block), plus the identity templates' weights, one group at a time.

        Weights are added to each block in template order, as the strings would be, so the
        sums are the same floats whatever the batch."""
        first = len(self._row) + 1
        while first + len(words) > len(self._words):
            self._words = _doubled(self._words)
            self._pair_id = np.concatenate([self._pair_id, np.full_like(self._pair_id, -1)])
        if len(self._class_row) + len(words) > _CLASS_LIMIT:
            self._class_row.clear()  # bounded memory: start over (rows are reused from 0)
            self._classes[:] = 0.0
        lexicon, none, weights = knowledge.lexicon, self._none, self._attr
        classes_of = self._class_values
        facts = [word_facts(word, lexicon) for word in words]
        keys = [f.class_key() for f in facts]
        class_row = self._class_row.get
        classes = [class_row(key, -1) for key in keys]
        if -1 in classes:
            new = {key: f for key, f, row in zip(keys, facts, classes, strict=True) if row < 0}
            rows = [self._new_class(key) for key in new]  # may grow self._classes
            fresh = list(new.values())
            picked = [[row_of(v, none) for v in map(value, fresh)] for value, row_of in classes_of]
            gathered = weights[np.array(picked, dtype=np.intp)]  # (templates, classes, labels)
            for block, templates in self._class_blocks:
                # A new class's block: its templates' weights summed in template order.
                self._classes[rows, block] = np.add.accumulate(gathered[templates])[-1]
            made = dict(zip(new, rows, strict=True))
            classes = [made[k] if r < 0 else r for k, r in zip(keys, classes, strict=True)]
        vectors = self._classes[classes]
        for value, blocks, index, group_rows in self._identity:
            index_of, unseen = index.get, len(index)
            found = [index_of(v, unseen) for v in map(value, facts)]
            vectors[:, blocks] += weights[group_rows[found]]
        self._words[first : first + len(words)] = vectors
        self._row.update(zip(words, range(first, first + len(words)), strict=True))
        ids = self._pair_vocabulary
        self._pair_id[first : first + len(words)] = [ids.get(w, -1) for w in words]

    def _new_class(self, key: tuple[object, ...]) -> int:
        """A zeroed row for a new class key."""
        row = self._class_row[key] = len(self._class_row)
        if row == len(self._classes):
            self._classes = _doubled(self._classes)
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
