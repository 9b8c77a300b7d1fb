"""The *match form* of Arabic text: one spelling for every variant.

Hashing, near-duplicate detection and tagging compare match forms, so the same
article with different diacritics, tatweel, hamza/alef/ya/teh-marbuta spellings,
digits, quotes, presentation forms or bidi controls meets itself. Display text is
never changed here.

The match form is defined *per character* (:func:`_fold_char`), then whitespace
runs collapse to one space. Being per character is what lets
:func:`match_with_offsets` map every match position back to the display text.
:func:`match_form` computes the same string fast: chained ``str.replace`` for the
Arabic and ASCII characters news is made of (measured far faster than
``str.translate`` on Arabic text), and the per-character rule for anything else.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["ARABIC_FOLD_TABLE", "display_span", "match_form", "match_forms",
           "match_with_offsets"]

# Letters unified after marks are dropped (hamza seats and madda are marks after NFKD).
_LETTERS: dict[str, str] = {
    "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ێ": "ي",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ە": "ه", "ۂ": "ه", "ھ": "ه",
    "ک": "ك", "ڪ": "ك", "گ": "ك",
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".", "٬": ",",
    "ـ": "",  # tatweel
}


def _fold_char_uncached(ch: str) -> str:
    """Compute the match form of one character (before whitespace collapsing)."""
    if ch.isspace():
        return " "
    if unicodedata.category(ch) == "Cf":  # bidi, zero-width, BOM, soft hyphen
        return ""
    digit = unicodedata.decimal(ch, None)
    if digit is not None:  # Arabic-Indic, Persian and every other decimal digit
        return str(digit)
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    kept = unicodedata.normalize("NFC", kept)
    return "".join(_LETTERS.get(c, c) for c in kept).casefold()


_fold_char = lru_cache(maxsize=65536)(_fold_char_uncached)

# Characters handled by the fast path: ASCII and the main Arabic block.
_FAST_RANGES = ((0x0000, 0x007F), (0x0600, 0x06FF))
_SLOW_CHARS = re.compile(r"[^\x00-\x7f\u0600-\u06ff]")
_ASCII_UPPER = re.compile(r"[A-Z]+")
_SLOW_OR_UPPER = re.compile(r"[^\x00-\x40\x5b-\x7f\u0600-\u06ff]")
_PART_SEPARATOR = "\x00"  # folds to itself and is never whitespace


def _fast_pairs() -> tuple[tuple[str, str], ...]:
    """Replacement pairs for every fast-path character whose fold is not itself."""
    pairs: list[tuple[str, str]] = []
    for lo, hi in _FAST_RANGES:
        for code in range(lo, hi + 1):
            ch = chr(code)
            folded = _fold_char(ch)
            if folded != ch and not ("A" <= ch <= "Z"):  # ASCII capitals: _ASCII_UPPER
                pairs.append((ch, folded))
    return tuple(pairs)


_REPLACE_PAIRS = _fast_pairs()
# ``str.translate`` table with the same effect on single Arabic words (no spaces, no
# capitals): cheaper than the chained replaces on strings of a few characters.
ARABIC_FOLD_TABLE: dict[int, str] = {
    ord(old): new for old, new in _REPLACE_PAIRS if "\u0600" <= old <= "\u06ff"
}


def _fold_slow_chars(text: str) -> str:
    """Apply the per-character rule to characters outside the fast path."""
    return _SLOW_CHARS.sub(lambda m: _fold_char(m.group()), text)


def match_form(text: str) -> str:
    """Return the match form of ``text`` (no marks, unified letters, digits, single spaces)."""
    unusual = _SLOW_OR_UPPER.search(text) is not None  # one scan instead of two
    if unusual and _SLOW_CHARS.search(text):
        text = _fold_slow_chars(text)
    for old, new in _REPLACE_PAIRS:
        if old in text:
            text = text.replace(old, new)
    if unusual and _ASCII_UPPER.search(text):
        text = _ASCII_UPPER.sub(lambda m: m.group().lower(), text)
    while "  " in text:  # cheaper than " ".join(text.split()) on Arabic text
        text = text.replace("  ", " ")
    return text.strip(" ")


def match_forms(parts: list[str]) -> list[str]:
    """``[match_form(p) for p in parts]`` in one pass: cheaper for many short strings."""
    joined = _PART_SEPARATOR.join(parts)
    if _PART_SEPARATOR in "".join(parts) or not parts:
        return [match_form(part) for part in parts]
    return [part.strip(" ") for part in match_form(joined).split(_PART_SEPARATOR)]


def match_with_offsets(display: str) -> tuple[str, list[int]]:
    """Return ``(match, starts)`` where ``starts[i]`` is the display index of match char ``i``.

    ``match`` equals ``match_form(display)``. ``starts`` has ``len(match) + 1`` items;
    the last is ``len(display)``, so a match span ``[a, b)`` maps to the display span
    ``[starts[a], starts[b - 1] + 1)`` (see :func:`display_span`).
    """
    out: list[str] = []
    starts: list[int] = []
    pending_space = False
    for i, ch in enumerate(display):
        for p in _fold_char(ch):
            if p.isspace():
                pending_space = bool(out)
                continue
            if pending_space:
                out.append(" ")
                starts.append(i)
                pending_space = False
            out.append(p)
            starts.append(i)
    starts.append(len(display))
    return "".join(out), starts


def display_span(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a match-form span ``[start, end)`` to the display span it came from."""
    return starts[start], starts[end - 1] + 1
