"""Which script and language a text is mainly in, by counting letters (no dependency).

Counting runs on every article, so it avoids per-character Python loops: Arabic-block
characters are counted on the UTF-8 bytes (their lead bytes are D8-DB), the few
non-letters of that block are subtracted with one regex, and only characters outside
ASCII and the Arabic block (rare in Arabic news) are looked at one by one.
"""

from __future__ import annotations

import re

__all__ = ["arabic_ratio", "guess_language"]


def _class_of(chars: list[str]) -> str:
    """A regex character class of ``chars`` written as ranges."""
    codes = sorted(ord(c) for c in chars)
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


_BLOCK_NON_LETTERS = re.compile(
    f"[{_class_of([chr(c) for c in range(0x0600, 0x0700) if not chr(c).isalpha()])}]+"
)
_OUTSIDE_FAST = re.compile(r"[^\x00-\x7f\u0600-\u06ff]+")
_ARABIC_LEADS = (b"\xd8", b"\xd9", b"\xda", b"\xdb")  # UTF-8 lead bytes of U+0600-U+06FF
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not chr(b).isalpha() or b > 0x7F)
_ARABIC_EXTRA_RANGES = ((0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC))
_PERSIAN_ONLY = "پچژگکی"
_URDU_ONLY = "ٹڈڑںےھ"
_ARABIC_ONLY = "ةىكي"
_PERSIAN_OR_URDU = re.compile(f"[{_PERSIAN_ONLY}{_URDU_ONLY}]")
_LATIN_WORD = re.compile(r"[a-z]+")
_STOPWORDS = {
    "en": ("the", "and", "of", "to", "in", "is", "that", "for", "with", "on", "was", "said"),
    "fr": ("le", "la", "les", "des", "et", "est", "du", "une", "dans", "pour", "que", "qui"),
    "de": ("der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "sich", "des"),
    "es": ("el", "los", "las", "del", "y", "que", "en", "por", "una", "con", "para"),
}
ARABIC_THRESHOLD = 0.5
SAMPLE_CHARS = 3000  # a ratio, not a census: a sample keeps long articles cheap


def _is_arabic_extra(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _ARABIC_EXTRA_RANGES)


def _letter_counts(text: str) -> tuple[int, int, int]:
    """Return (Arabic-script letters, ASCII letters, all letters) of ``text``."""
    data = text.encode("utf-8", "surrogatepass")
    block = sum(data.count(lead) for lead in _ARABIC_LEADS)
    arabic = block - sum(map(len, _BLOCK_NON_LETTERS.findall(text)))
    ascii_letters = len(data.translate(None, _NOT_ASCII_LETTER))
    other = "".join(_OUTSIDE_FAST.findall(text))
    other_letters = [ch for ch in other if ch.isalpha()]
    arabic += sum(1 for ch in other_letters if _is_arabic_extra(ch))
    return arabic, ascii_letters, arabic + ascii_letters + len(other_letters) - sum(
        1 for ch in other_letters if _is_arabic_extra(ch))


def _sample(text: str) -> str:
    """Up to ``SAMPLE_CHARS`` characters from the start, middle and end of ``text``."""
    if len(text) <= SAMPLE_CHARS:
        return text
    third = SAMPLE_CHARS // 3
    middle = len(text) // 2
    return f"{text[:third]} {text[middle - third // 2 : middle + third // 2]} {text[-third:]}"


def arabic_ratio(text: str) -> float:
    """Share of letters that are Arabic script (0.0 without letters), on a sample of the text."""
    arabic, _, letters = _letter_counts(_sample(text))
    return arabic / letters if letters else 0.0


def _arabic_script_language(text: str) -> str:
    """Arabic, Persian or Urdu, by the letters only one of them uses."""
    others = _PERSIAN_OR_URDU.findall(text)  # rare in Arabic text: one scan, few matches
    if not others:
        return "ar"
    persian = sum(1 for ch in others if ch in _PERSIAN_ONLY)
    urdu = len(others) - persian
    arabic = sum(text.count(ch) for ch in _ARABIC_ONLY)
    if urdu > arabic and urdu >= persian:
        return "ur"
    return "fa" if persian > arabic else "ar"


def _script_language(text: str, letters: int) -> str:
    """Best-effort code for a text whose letters are mostly not Arabic."""
    scripts = (("ru", 0x0400, 0x04FF), ("he", 0x05D0, 0x05EA), ("el", 0x0370, 0x03FF))
    for code, lo, hi in scripts:
        if sum(1 for ch in text if lo <= ord(ch) <= hi) >= ARABIC_THRESHOLD * letters:
            return code
    return "und"


def _latin_language(text: str) -> str:
    """The Latin-script language whose stopwords are most frequent, else 'und'."""
    words = _LATIN_WORD.findall(text.lower())
    scores = {code: sum(1 for w in words if w in stop) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] >= 2 else "und"


def guess_language(text: str, ratio: float) -> str:
    """Return 'ar' when Arabic letters dominate, else a best-effort ISO 639-1 code or 'und'."""
    text = _sample(text)
    if ratio >= ARABIC_THRESHOLD:
        return _arabic_script_language(text)
    _, ascii_letters, letters = _letter_counts(text)
    if letters and ascii_letters >= ARABIC_THRESHOLD * letters:
        return _latin_language(text)
    return _script_language(text, letters) if letters else "und"
