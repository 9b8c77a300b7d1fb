"""Comparison keys: match-form words without punctuation, computed in bulk.

Repeat detection and furniture rules compare many short strings (sentences, short
lines). Folding them one by one costs a full set of replace passes each; folding them
joined by a separator costs one set for all (see :func:`akhbar.core.normalize.match_forms`).
"""

from __future__ import annotations

import string

from akhbar.core.normalize import match_form

__all__ = ["plain_key", "plain_keys", "plain_words"]

_SEPARATOR = "\x00"  # match_form keeps it, and it is never whitespace or punctuation
# Punctuation as it looks after folding (Arabic marks are already ASCII there).
_PUNCTUATION = (*string.punctuation, "…", "–", "—", "•", "·", "«", "»")


def _strip_punctuation(folded: str) -> str:
    for ch in _PUNCTUATION:
        if ch in folded:
            folded = folded.replace(ch, " ")
    while "  " in folded:
        folded = folded.replace("  ", " ")
    return folded


def plain_keys(parts: list[str]) -> list[str]:
    """The key of every part: its match-form words joined by single spaces."""
    joined = _SEPARATOR.join(parts)
    if not parts or _SEPARATOR in "".join(parts):
        return [plain_key(part) for part in parts]
    folded = _strip_punctuation(match_form(joined))
    return [key.strip(" ") for key in folded.split(_SEPARATOR)]


def plain_key(text: str) -> str:
    """Match-form words of ``text`` without punctuation, joined by single spaces."""
    return _strip_punctuation(match_form(text)).strip(" ")


def plain_words(text: str) -> list[str]:
    """Match-form words of ``text`` without punctuation."""
    return plain_key(text).split()
