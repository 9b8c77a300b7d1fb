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
        # What turning names back into O's costs at least, per name label y (see forced).
        self._names = [y for y in range(len(trans)) if y != outside]
        names = np.array(self._names)
        stay = trans[outside, outside]
        between = trans[np.ix_(names, names)]  # [a, y]: name a -> name y
        self._enter = stay - trans[outside, names]  # O -> y becomes O -> O
        self._inner = (stay - between).min(axis=0)  # a -> y becomes O -> O
        self._exit = stay - trans[names, outside]  # y -> O becomes O -> O
        self._cut_in = (trans[names, outside][:, None] - between).min(axis=0)  # a->y: a->O
        self._cut_out = (trans[outside, names][None, :] - between).min(axis=1)  # y->b: O->b

    def forced(self, lead: Matrix) -> npt.NDArray[np.bool_]:
        """Tokens where every best path has O, from ``lead`` = O's state score minus each.

        A path with a name at i has a maximal run of names [s, e) around i. Three edits
        turn part of the run into O's: all of it, i to the end (tail), or the start to i
        (head). Each changes the path's score by at least a sum of per-token lower bounds
        (a token's lead plus the cheapest change on the transition into it). Where one of
        the three minimums over all runs through i is positive, any path with a name at
        i can be beaten, so O is certain there.
        """
        names = lead[:, self._names]
        enter = names + self._enter
        enter[0] = names[0]  # nothing to enter from at the start
        exit_ = np.broadcast_to(self._exit, names.shape).copy()
        exit_[-1] = 0.0  # nothing to leave to at the end
        later = (names + self._inner).min(axis=1)
        sums = np.concatenate(([0.0], np.cumsum(later)))
        # Best run start up to i, best run end from i (runs of at least one token).
        starts = np.minimum.accumulate(enter.min(axis=1) - sums[1:])
        ends = sums[1:] + np.append(np.full(len(lead) - 1, self._exit.min()), 0.0)
        from_i = np.minimum.accumulate(ends[::-1])[::-1]
        whole = starts + from_i
        # Tail: i..e-1 become O; the transition into i loses at most cut-in or enter.
        cut_in = np.minimum(self._cut_in, enter - names)
        cut_in[0] = 0.0
        tail = (names + cut_in + exit_).min(axis=1)
        tail[:-1] = np.minimum(
            tail[:-1], (names + cut_in).min(axis=1)[:-1] + from_i[1:] - sums[1:-1]
        )
        # Head: s..i become O; the transition out of i loses at most cut-out or exit.
        cut_out = np.minimum(self._cut_out, exit_)
        cut_out[-1] = 0.0
        head = (enter + cut_out).min(axis=1)
        head[1:] = np.minimum(
            head[1:], starts[:-1] + sums[1:-1] + (names + self._inner + cut_out).min(axis=1)[1:]
        )
        return np.asarray((whole > 0) | (tail > 0) | (head > 0), dtype=np.bool_)

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
