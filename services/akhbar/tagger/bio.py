"""BIO label sequences to token spans: what the CRF's labels mean as names."""

from __future__ import annotations

from collections.abc import Sequence


def bio_spans(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(first, end, type)`` token spans from BIO labels; a stray I- starts a span.

    Only the labels that are not O are visited (most tokens are O): a gap between two of
    them is an O, which ends the open span.
    """
    spans: list[tuple[int, int, str]] = []
    start, kind, last = -1, "", -1
    for i in [i for i, label in enumerate(labels) if label != "O"]:
        label = labels[i]
        if start >= 0:
            if i == last + 1 and label.startswith("I-") and label[2:] == kind:
                last = i
                continue
            spans.append((start, last + 1, kind))
        start, kind, last = i, label[2:], i
    if start >= 0:
        spans.append((start, last + 1, kind))
    return spans
