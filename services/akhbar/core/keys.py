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
# ASCII marks become spaces and space runs collapse on the UTF-8 bytes: an ASCII byte is
# never part of a longer character, so this is exact, and one byte-table pass costs far
# less than a ``ch in folded`` test per ASCII mark on Arabic text. The other marks are
# replaced on the string, where testing for them is cheap (bytes searches for their
# multi-byte UTF-8 forms are not).
_ASCII_PUNCTUATION_TO_SPACE = bytes.maketrans(string.punctuation.encode("ascii"),
                                              b" " * len(string.punctuation))
_OTHER_PUNCTUATION = ("…", "–", "—", "•", "·", "«", "»")


def _strip_punctuation(folded: str) -> str:
    for ch in _OTHER_PUNCTUATION:
        if ch in folded:
            folded = folded.replace(ch, " ")
    data = folded.encode("utf-8", "surrogatepass").translate(_ASCII_PUNCTUATION_TO_SPACE)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data.decode("utf-8", "surrogatepass")


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
