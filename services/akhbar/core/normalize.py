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
# Pairs for U+0680-U+06FF (extended letters, Persian digits, Quranic marks): their UTF-8
# lead bytes are 0xDA/0xDB, so one byte search skips them all for most Arabic news. Only
# the few characters whose fold makes such a character (``_RARE_MAKERS``) also need them.
_RARE_LEADS = (b"\xda", b"\xdb")
_COMMON_PAIRS = tuple(p for p in _REPLACE_PAIRS if not "\u0680" <= p[0] <= "\u06ff")
_RARE_MAKERS = tuple(old for old, new in _COMMON_PAIRS
                     if any("\u0680" <= ch <= "\u06ff" for ch in new))


def _needs_rare_pairs(data: bytes, text: str) -> bool:
    return (_RARE_LEADS[0] in data or _RARE_LEADS[1] in data
            or any(ch in text for ch in _RARE_MAKERS))


# ``str.translate`` table with the same effect on single Arabic words (no spaces, no
# capitals): cheaper than the chained replaces on strings of a few characters.
ARABIC_FOLD_TABLE: dict[int, str] = {
    ord(old): new for old, new in _REPLACE_PAIRS if "\u0600" <= old <= "\u06ff"
}
_COMMON_SLOW = tuple(
    (ch, _fold_char(ch)) for ch in "–—…«»“”‘’\u00a0"
    if _fold_char(ch) == ch or not _SLOW_CHARS.search(_fold_char(ch))
)


def _fold_slow_chars(text: str, count: int) -> str:
    """Apply the per-character rule to the ``count`` characters outside the fast path.

    When they are all common ones (dashes, quotes, no-break space), chained replaces do
    it: each fold is the character itself or made of fast-path characters only, so the
    replaces cannot interact. Otherwise a regex scan (slow on Arabic text) does.
    """
    pairs: list[tuple[str, str]] = []
    for ch, folded in _COMMON_SLOW:
        found = text.count(ch)
        if found:
            count -= found
            if folded != ch:
                pairs.append((ch, folded))
    if count:
        return _SLOW_CHARS.sub(lambda m: _fold_char(m.group()), text)
    for ch, folded in pairs:
        text = text.replace(ch, folded)
    return text


# UTF-8 bytes kept in :func:`match_form`: ASCII capitals and the lead bytes of
# characters outside the fast path (U+0080-U+05FF, U+0700 and up, lone surrogates);
# the lead bytes of U+0600-U+06FF are 0xD8-0xDB, continuation bytes are 0x80-0xBF.
_NOT_UNUSUAL = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0xC2 <= b <= 0xD7
                                                   or b >= 0xDC))
_UPPER_BYTES = bytes(range(0x41, 0x5B))


def match_form(text: str) -> str:
    """Return the match form of ``text`` (no marks, unified letters, digits, single spaces)."""
    # One byte per ASCII capital or slow-path character (usually none): encoding and a
    # byte-table delete cost far less than a regex scan of Arabic text.
    data = text.encode("utf-8", "surrogatepass")
    unusual = data.translate(None, _NOT_UNUSUAL)
    slow = len(unusual.translate(None, _UPPER_BYTES)) if unusual else 0  # one lead byte each
    if slow:
        text = _fold_slow_chars(text, slow)
    rare = slow or _needs_rare_pairs(data, text)
    for old, new in _REPLACE_PAIRS if rare else _COMMON_PAIRS:
        if old in text:
            text = text.replace(old, new)
    # Folding never makes an ASCII capital, so the input's capitals are the output's.
    if unusual and unusual.lower() != unusual:
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
