"""Synthetic variants of Arabic text for the cleaning and normalisation tests.

Each generator damages text the way real copy is damaged (diacritics, tatweel, hamza
spellings, Indic digits, invisible controls), so the tests never depend on the exact
wording of any one article. :func:`orthographic_variant` is the one "same article, other
outlet" of the tests and benches: every damage in it is undone by the match form
(``akhbar.core.normalize``), so a variant is an exact duplicate to dedup.
"""

from __future__ import annotations

import random

DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
ALEF_VARIANTS = {"ا": "أإآ", "أ": "اإ", "إ": "اأ", "آ": "ا"}
INVISIBLES = "\u200b\u200e\u200f\u202b\u202c\ufeff\u2066\u2069"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


def is_arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a" and ch != "\u0640"


def sprinkle_diacritics(text: str, rng: random.Random, rate: float = 0.3) -> str:
    """Put a random harakah after some Arabic letters."""
    out = []
    for ch in text:
        out.append(ch)
        if is_arabic_letter(ch) and rng.random() < rate:
            out.append(rng.choice(DIACRITICS))
    return "".join(out)


def add_tatweel(text: str, rng: random.Random, rate: float = 0.2) -> str:
    """Stretch words with tatweel between two joining letters."""
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in "بتثجحخسشصضطظعغفقكلمنهي" and is_arabic_letter(nxt) and rng.random() < rate:
            out.append("ـ" * rng.randint(1, 4))
    return "".join(out)


def vary_alef(text: str, rng: random.Random) -> str:
    """Swap alef/hamza spellings, alef maqsura/ya and teh marbuta/heh at random."""
    swaps = {**ALEF_VARIANTS, "ى": "ي", "ة": "ه"}
    return "".join(rng.choice(swaps[ch]) if ch in swaps and rng.random() < 0.5 else ch
                   for ch in text)


def indic_digits(text: str, rng: random.Random) -> str:
    """Write ASCII digits as Arabic-Indic or Persian digits."""
    table = rng.choice((ARABIC_INDIC, PERSIAN_DIGITS))
    return "".join(table[int(ch)] if ch.isascii() and ch.isdigit() else ch for ch in text)


def add_invisibles(text: str, rng: random.Random, rate: float = 0.05) -> str:
    """Insert bidi and zero-width controls between characters."""
    return "".join(ch + (rng.choice(INVISIBLES) if rng.random() < rate else "") for ch in text)


def orthographic_variant(text: str, seed: int) -> str:
    """All of the above at once: same words, different spelling on the surface."""
    rng = random.Random(seed)
    for damage in (sprinkle_diacritics, add_tatweel, vary_alef, indic_digits, add_invisibles):
        text = damage(text, rng)
    return text
