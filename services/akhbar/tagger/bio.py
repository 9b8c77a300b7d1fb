"""BIO label sequences to token spans: what the CRF's labels mean as names."""

from __future__ import annotations

from collections.abc import Sequence


def bio_spans(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(first, end, type)`` token spans from BIO labels; a stray I- starts a span."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, label in enumerate([*labels, "O"]):
        inside = label.startswith("I-") and label[2:] == kind and start >= 0
        if inside:
            continue
        if start >= 0:
            spans.append((start, i, kind))
            start, kind = -1, ""
        if label != "O":
            start, kind = i, label[2:]
    return spans
