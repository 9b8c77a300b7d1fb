"""Tokens over the match form, and the proclitics that may hide a name's first letter.

Tokenising splits on whitespace and an explicit punctuation set (never ``\\W``, which
breaks words at diacritics). Match-form offsets map back to display offsets through
:func:`akhbar.core.normalize.display_span`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from akhbar.core.normalize import match_form

PUNCTUATION = ".,;:!?\"'()[]{}<>/\\|*#@&%+=~^`…–—-_•·،؛؟"
_TOKEN_RE = re.compile(r"[^\s" + re.escape(PUNCTUATION) + r"]+|[" + re.escape(PUNCTUATION) + r"]")

# Display-side punctuation: everything the match form turns into PUNCTUATION, too.
_DISPLAY_PUNCTUATION = PUNCTUATION + "«»“”„‟″‘’‚‛′٪٫٬"
# Invisible format characters separate nothing and belong to no token.
_FORMAT_CHARS = "\u200b\u200c\u200d\u200e\u200f\ufeff\u061c\u202a-\u202e\u2066-\u2069"
_DISPLAY_TOKEN_RE = re.compile(
    r"[^\s" + re.escape(_DISPLAY_PUNCTUATION) + _FORMAT_CHARS + r"]+"
    r"|[" + re.escape(_DISPLAY_PUNCTUATION) + r"]"
)

# Proclitic letters, longest first, so وب is tried before و.
CLITICS: tuple[str, ...] = (
    "وب",
    "ول",
    "وك",
    "فب",
    "فل",
    "فك",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
)
CLITIC_LETTERS = "".join(c for c in CLITICS if len(c) == 1)  # و ف ب ل ك
ARTICLE = "ال"
_MIN_STEM = 3


@dataclass(frozen=True, slots=True)
class Token:
    """A token of the match form: its text and ``[start, end)`` in the match string."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DisplayTokens:
    """Match-form words of display text; display offsets are read on demand.

    Only the tokens at the edges of a name ever need offsets, so the regex matches are
    kept instead of building an object per token.
    """

    words: list[str]
    matches: list[re.Match[str]]

    def __len__(self) -> int:
        return len(self.words)

    def start(self, index: int) -> int:
        """Display offset where token ``index`` starts."""
        return self.matches[index].start()

    def end(self, index: int) -> int:
        """Display offset just past token ``index``."""
        return self.matches[index].end()


@lru_cache(maxsize=200_000)
def word_form(display_word: str) -> str:
    """Match form of one display token (cached: news vocabulary repeats a lot)."""
    return match_form(display_word).replace(" ", "")


def display_tokens(display: str) -> DisplayTokens:
    """Tokens of display text with their match forms; marks-only tokens are dropped.

    Tokenising the display directly (diacritics and tatweel never split a token) avoids a
    per-character offset map of the whole text: only the few spans that start after a
    clitic need one, for their first token.
    """
    matches = list(_DISPLAY_TOKEN_RE.finditer(display))
    words = list(map(word_form, map(re.Match.group, matches)))
    if "" in words:
        kept = [i for i, word in enumerate(words) if word]
        words = [words[i] for i in kept]
        matches = [matches[i] for i in kept]
    return DisplayTokens(words, matches)


def tokenize(match: str) -> list[Token]:
    """Split a match-form string into word and single-punctuation tokens."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(match)]


@lru_cache(maxsize=100_000)
def clitic_readings(word: str) -> tuple[tuple[int, str], ...]:
    """Ways to read ``word`` as clitics + name: ``(chars to skip, name form)``.

    The first reading is the word itself. ``لل`` + X reads as the name ``الX`` whose
    span starts after ``لل`` (the article's alef is not written, so there is nothing
    else to cover). The caller must confirm bare-clitic readings against known names.
    Readings come fewest skipped letters first, so a caller taking the first confirmed
    one reads وكريم as و + كريم, not وك + ريم.
    """
    readings = [(0, word)]
    for clitic in CLITICS:
        if not word.startswith(clitic):
            continue
        rest = word[len(clitic) :]
        if len(rest) < _MIN_STEM:
            continue
        if clitic.endswith("ل") and rest.startswith("ل") and len(rest) > _MIN_STEM:
            readings.append((len(clitic) + 1, ARTICLE + rest[1:]))
        readings.append((len(clitic), rest))
    return tuple(sorted(readings))


@lru_cache(maxsize=100_000)
def clitic_spellings(form: str) -> tuple[str, ...]:
    """Every word with a :func:`clitic_readings` reading ``form`` (plus ``form`` itself).

    The inverse lets a lookup skip words quickly: a word none of whose readings is a
    known name is never in this set for any name.
    """
    out = [form]
    if len(form) >= _MIN_STEM:
        out += [clitic + form for clitic in CLITICS]
    rest = form[len(ARTICLE) :]
    if form.startswith(ARTICLE) and len(rest) >= _MIN_STEM:
        out += [clitic + "ل" + rest for clitic in CLITICS if clitic.endswith("ل")]
    return tuple(out)


# What strip_article may remove, in the order it tries: clitics + article (لل too).
_ARTICLE_PREFIXES = tuple(
    clitic + article
    for clitic in ("", *CLITICS)
    for article in ((ARTICLE, ARTICLE[1]) if clitic.endswith("ل") else (ARTICLE,))
)


@lru_cache(maxsize=100_000)
def strip_article(word: str) -> str:
    """The word without clitics + article (وال، بال، لل...): the stem features look at."""
    if word.startswith(_ARTICLE_PREFIXES):  # most words: one test, no loop
        for prefix in _ARTICLE_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM - 1:
                return word[len(prefix) :]
    return word


def is_word(token: str) -> bool:
    """True for a token that is not punctuation."""
    return token[0] not in PUNCTUATION
