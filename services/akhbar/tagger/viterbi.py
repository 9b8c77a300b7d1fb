"""Exact linear-chain Viterbi that only searches where a name is possible.

At most tokens the O label's state score beats every name label by so much that no
path with a name there can be best (see :meth:`Decoder.forced`): O is fixed there, the
sequence splits into short independent segments around possible names, and only those
are searched. Ties between paths may break
differently from crfsuite; nothing else can.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import add

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]


class Decoder:
    """Best label path for state scores ``(tokens, labels)`` under fixed transitions."""

    def __init__(self, transitions: Sequence[Sequence[float]], outside: int) -> None:
        trans = np.array(transitions, dtype=np.float64)
        self.outside = outside
        self._into = trans.T.tolist()  # [j][i]: transition i -> j
        self._from_o: list[float] = trans[outside].tolist()
        self._to_o: list[float] = trans[:, outside].tolist()
        # Costs of turning a run of names back into O's (see ``forced``), names only.
        self._names = [y for y in range(len(trans)) if y != outside]
        names = np.array(self._names)
        stay = trans[outside, outside]
        self._enter = stay - trans[outside, names]
        self._inner = (stay - trans[np.ix_(names, names)]).min(axis=0)
        self._leave = float((stay - trans[names, outside]).min())

    def forced(self, lead: Matrix) -> npt.NDArray[np.bool_]:
        """Tokens where every best path has O, from ``lead`` = O's state score minus each.

        Any path with a name at i has a maximal run of names [s, e) around i; turning the
        run into O's changes its score by at least f(s) + u(s+1..e-1) + x(e): f is the
        run's first token (its lead plus the cost of entering from O), u a later token
        (its lead plus the cheapest transition from another name), x the cheapest exit.
        If the smallest such sum over all runs through i is positive, O wins at i.
        """
        names = lead[:, self._names]
        first = (names + self._enter).min(axis=1)
        first[0] = names[0].min()  # nothing to enter from at the start
        later = (names + self._inner).min(axis=1)
        sums = np.concatenate(([0.0], np.cumsum(later)))
        left = np.minimum.accumulate(first - sums[1:])
        ends = sums[1:] + self._leave
        ends[-1] = sums[-1]  # nothing to leave to at the end
        right = np.minimum.accumulate(ends[::-1])[::-1]
        return np.asarray(left + right > 0, dtype=np.bool_)

    def best_path(self, scores: Matrix) -> list[int]:
        """Label indices of the highest-scoring path (crfsuite's tie order within a segment)."""
        size = len(scores)
        path = [self.outside] * size
        if not size:
            return path
        free = np.flatnonzero(~self.forced(scores[:, [self.outside]] - scores))
        if not len(free):
            return path
        breaks = np.flatnonzero(np.diff(free) != 1)  # runs of consecutive free tokens
        starts = [free[0], *free[breaks + 1].tolist()]
        ends = [*(free[breaks] + 1).tolist(), free[-1] + 1]
        rows: list[list[float]] = scores[free[0] : free[-1] + 1].tolist()
        base = int(free[0])
        for start, end in zip(starts, ends, strict=True):
            segment = rows[start - base : end - base]
            path[start:end] = self._segment(segment, start > 0, end < size)
        return path

    def _segment(self, rows: list[list[float]], after_o: bool, before_o: bool) -> list[int]:
        """Viterbi over one segment whose neighbours are O (or the sequence edge).

        Only scores go forward; the back pointer is recomputed on the way back for the one
        label the path takes, which finds the same first maximum crfsuite stores.
        """
        into = self._into
        first = rows[0]
        alpha = [t + s for t, s in zip(self._from_o, first, strict=False)] if after_o else first
        alphas = [alpha]
        for row in rows[1:]:
            alpha = [max(map(add, alpha, column)) + s for column, s in zip(into, row, strict=False)]
            alphas.append(alpha)
        if before_o:
            alpha = [a + t for a, t in zip(alpha, self._to_o, strict=False)]
        label = alpha.index(max(alpha))
        out = [label]
        for alpha in reversed(alphas[:-1]):
            candidates = [a + t for a, t in zip(alpha, into[label], strict=False)]
            label = candidates.index(max(candidates))
            out.append(label)
        out.reverse()
        return out
