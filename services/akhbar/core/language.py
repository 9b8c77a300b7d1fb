"""Which script and language a text is mainly in, by counting letters (no dependency)."""

from __future__ import annotations

import re

__all__ = ["arabic_ratio", "guess_language"]

_ARABIC_LETTERS = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f"
                             r"\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC_LETTERS = re.compile(r"[\u0400-\u04ff]")
_HEBREW_LETTERS = re.compile(r"[\u05d0-\u05ea]")
_PERSIAN_ONLY = re.compile(r"[پچژگکی]")
_URDU_ONLY = re.compile(r"[ٹڈڑںےھ]")
_ARABIC_ONLY = re.compile(r"[ةىكي]")
_LATIN_WORD = re.compile(r"[a-z]+")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOPWORDS = {
    "en": _wordset("the and of to in is that for with on was said"),
    "fr": _wordset("le la les des et est du une dans pour que qui"),
    "de": _wordset("der die und das ist nicht mit den von sich des"),
    "es": _wordset("el los las del y que en por una con para"),
}
ARABIC_THRESHOLD = 0.5


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Number of characters of ``text`` matched by the run pattern ``pattern``."""
    return sum(map(len, pattern.findall(text)))


def _letter_count(text: str) -> int:
    return _count(_LETTERS, text)


def arabic_ratio(text: str) -> float:
    """Share of letters in ``text`` that are Arabic script (0.0 when there are no letters)."""
    letters = _letter_count(text)
    return _count(_ARABIC_LETTERS, text) / letters if letters else 0.0


def _arabic_script_language(text: str) -> str:
    """Arabic, Persian or Urdu, by the letters only one of them uses."""
    persian, urdu = len(_PERSIAN_ONLY.findall(text)), len(_URDU_ONLY.findall(text))
    arabic = len(_ARABIC_ONLY.findall(text))
    if urdu > arabic and urdu >= persian:
        return "ur"
    return "fa" if persian > arabic else "ar"


def _latin_language(text: str) -> str:
    """The Latin-script language whose stopwords are most frequent, else 'und'."""
    words = _LATIN_WORD.findall(text.lower())
    scores = {code: sum(1 for w in words if w in stop) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] >= 2 else "und"


def guess_language(text: str, ratio: float) -> str:
    """Return 'ar' when Arabic letters dominate, else a best-effort ISO 639-1 code or 'und'."""
    if ratio >= ARABIC_THRESHOLD:
        return _arabic_script_language(text)
    letters = _letter_count(text) or 1
    if len(_LATIN_LETTERS.findall(text)) / letters >= ARABIC_THRESHOLD:
        return _latin_language(text)
    if len(_CYRILLIC_LETTERS.findall(text)) / letters >= ARABIC_THRESHOLD:
        return "ru"
    if len(_HEBREW_LETTERS.findall(text)) / letters >= ARABIC_THRESHOLD:
        return "he"
    return "und"
