"""Exact linear-chain Viterbi that only searches where a name is possible.

At most tokens the O label's state score beats every name label by so much that no
path with a name there can be best (see :meth:`Decoder.forced`): O is fixed there, the
sequence splits into short independent segments around possible names, and only those
are searched, all at once: one numpy step per token of the longest. Ties between paths
may break differently from crfsuite; nothing else can.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]


class Decoder:
    """Best label path for state scores ``(tokens, labels)`` under fixed transitions."""

    def __init__(self, transitions: Sequence[Sequence[float]], outside: int) -> None:
        trans = np.array(transitions, dtype=np.float64)
        self.outside = outside
        # Transitions plus one extra label that ends a segment at the sequence end:
        # entered from any label at no cost, left to none. [j, i]: transition i -> j.
        size = len(trans)
        ext = np.full((size + 1, size + 1), -np.inf)
        ext[:size, :size] = trans
        ext[:, size] = 0.0
        self._into_ext = np.ascontiguousarray(ext.T)
        # The same, [i, j, 0]: the forward step reduces over its first axis (one plane per
        # previous label), which numpy does faster than over a last axis of 8 (measured 1.6x).
        self._into_by_prev = np.ascontiguousarray(ext)[:, :, None]
        self._from_o_ext = ext[outside]
        # What turning names back into O's costs at least, per name label y (see forced).
        self._names = [y for y in range(len(trans)) if y != outside]
        names = np.array(self._names)
        stay = trans[outside, outside]
        between = trans[np.ix_(names, names)]  # [a, y]: name a -> name y
        enter = stay - trans[outside, names]  # O -> y becomes O -> O
        inner = (stay - between).min(axis=0)  # a -> y becomes O -> O
        exit_ = stay - trans[names, outside]  # y -> O becomes O -> O
        cut_in = (trans[names, outside][:, None] - between).min(axis=0)  # a -> y: a -> O
        cut_out = (trans[outside, names][None, :] - between).min(axis=1)  # y -> b: O -> b
        self._exit = float(exit_.min())
        zero = np.zeros_like(enter)
        self._costs = self._bound_costs(enter, inner, exit_, cut_in, cut_out)
        self._costs_first = self._bound_costs(zero, inner, exit_, zero, cut_out)
        self._costs_last = self._bound_costs(enter, inner, zero, cut_in, zero)
        self._costs_only = self._bound_costs(zero, inner, zero, zero, zero)

    @staticmethod
    def _bound_costs(
        enter: Matrix, inner: Matrix, exit_: Matrix, cut_in: Matrix, cut_out: Matrix
    ) -> Matrix:
        """Per name label, what a token adds to each bound of :meth:`forced` besides its lead.

        Rows: a run starts here; a run goes on here; a tail cut starts here and the run
        ends here; a tail cut starts here and the run goes on; a head cut from here; a
        head cut that started earlier ends here.
        """
        into = np.minimum(cut_in, enter)
        out = np.minimum(cut_out, exit_)
        return np.array([enter, inner, into + exit_, into, enter + out, inner + out])

    def forced(self, lead: Matrix) -> npt.NDArray[np.bool_]:
        """Tokens where every best path has O, from ``lead`` = O's state score minus each.

        A path with a name at i has a maximal run of names [s, e) around i. Three edits
        turn part of the run into O's: all of it, i to the end (tail), or the start to i
        (head). Each changes the path's score by at least a sum of per-token lower bounds
        (a token's lead plus the cheapest change on the transitions it keeps). Where one
        of the three minimums over all runs through i is positive, any path with a name
        at i can be beaten, so O is certain there.
        """
        names = lead[:, self._names]
        size = len(names)
        bounds = (names[None, :, :] + self._costs[:, None, :]).min(axis=2)
        if size == 1:
            bounds[:, 0] = (names[0] + self._costs_only).min(axis=1)
        else:  # nothing to enter from at the start, nothing to leave to at the end
            bounds[:, 0] = (names[0] + self._costs_first).min(axis=1)
            bounds[:, -1] = (names[-1] + self._costs_last).min(axis=1)
        first, later, tail_end, tail_on, head_here, head_later = bounds
        sums = np.concatenate(([0.0], np.cumsum(later)))
        # Best run start up to i, best run end from i (runs of at least one token).
        starts = np.minimum.accumulate(first - sums[1:])
        ends = sums[1:] + self._exit
        ends[-1] = sums[-1]  # nothing to leave to at the end
        from_i = np.minimum.accumulate(ends[::-1])[::-1]
        best = starts + from_i
        # Tail: i..e-1 become O. Head: s..i become O.
        tail = tail_end
        tail[:-1] = np.minimum(tail_end[:-1], tail_on[:-1] + from_i[1:] - sums[1:-1])
        head = head_here
        head[1:] = np.minimum(head_here[1:], starts[:-1] + sums[1:-1] + head_later[1:])
        return np.asarray(np.maximum(np.maximum(best, tail), head) > 0, dtype=np.bool_)

    def best_path(self, scores: Matrix) -> list[int]:
        """Label indices of the highest-scoring path (crfsuite's tie order within a segment)."""
        size = len(scores)
        if not size:
            return []
        free = np.flatnonzero(~self.forced(scores[:, [self.outside]] - scores))
        path = [self.outside] * size
        if len(free):
            breaks = np.flatnonzero(np.diff(free) != 1)  # runs of consecutive free tokens
            starts = np.concatenate(([free[0]], free[breaks + 1]))
            ends = np.concatenate((free[breaks] + 1, [free[-1] + 1]))
            for start, row in zip(starts.tolist(), self._segments(scores, starts, ends),
                                  strict=True):
                path[start : start + len(row)] = row
        return path

    def _segments(
        self, scores: Matrix, starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp]
    ) -> list[list[int]]:
        """Viterbi over all segments at once, one token of each per step: their labels.

        A segment's neighbours are O (or the sequence edge). Each segment is padded after
        its end with tokens only O can take (so the transition into O is counted) or, at
        the sequence end, only an extra label every label enters for free. Back pointers
        take the first maximum, as crfsuite does.
        """
        size, width = len(scores), len(self._into_ext)
        lengths = ends - starts
        steps = int(lengths.max()) + 1
        # The rows a segment's steps read: its tokens' scores (the extra label impossible),
        # then padding: an O-only row, or past the sequence end an exit-only row.
        rows = np.full((size + 2, width), -np.inf)
        rows[:size, :-1] = scores
        rows[size, self.outside] = 0.0
        rows[size + 1, width - 1] = 0.0
        exit_row = np.where(ends == size, size + 1, size)
        position = starts[:, None] + np.arange(steps)
        state = rows[np.where(position < ends[:, None], position, exit_row[:, None])]
        # Scores per label, then segment ([label, segment]): see _into_by_prev.
        alpha = (state[:, 0] + np.where(starts[:, None] > 0, self._from_o_ext, 0.0)).T
        alphas = [alpha]
        into_by_prev = self._into_by_prev
        for step in range(1, steps - 1):  # the last step is padding: only its pointers count
            alpha = (alpha[:, None, :] + into_by_prev).max(axis=0) + state[:, step].T
            alphas.append(alpha)
        # Back pointers of every step in one go: [step][segment][label at step + 1].
        previous = np.array(alphas).transpose(0, 2, 1)  # [step, segment, label]
        back = (previous[:, :, None, :] + self._into_ext).argmax(axis=3).tolist()
        # Each segment's walk back starts at its first padding step, where only its exit
        # label (O, or the extra label) is possible, and takes one pointer per token.
        out: list[list[int]] = []
        exits = np.where(ends == size, width - 1, self.outside).tolist()
        for segment, (length, label) in enumerate(zip(lengths.tolist(), exits, strict=True)):
            row = [0] * length
            for step in range(length - 1, -1, -1):
                label = back[step][segment][label]
                row[step] = label
            out.append(row)
        return out
