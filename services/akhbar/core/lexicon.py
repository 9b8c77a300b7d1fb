"""Arabic word frequencies shipped with akhbar, counted on the ANERcorp training split.

Keys are match forms (see :mod:`akhbar.core.normalize`), so spelling variants of a word
share one count. The glued-word splitter trusts a split only when both halves are here.
Regenerate the data file with ``python -m akhbar.core.lexicon ANERCorp_CamelLab_train.txt``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from akhbar.core.normalize import match_form

__all__ = ["count_words", "is_plausible_word", "word_counts"]

DATA_FILE = "ar_words.tsv"
_ARABIC_WORD = re.compile(r"[\u0621-\u063a\u0641-\u064a]+")
_PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "ال", "وب", "ول", "وس", "فب",
               "فل", "و", "ف", "ب", "ل", "ك", "س")
_ENCLITICS = ("هما", "كما", "تين", "ها", "هم", "هن", "كم", "نا", "ون", "ين", "ات", "ان", "وا",
              "ه", "ي", "ك")


def count_words(tokens: Iterable[str]) -> Counter[str]:
    """Count the match forms of purely Arabic tokens."""
    counts: Counter[str] = Counter()
    for token in tokens:
        folded = match_form(token)
        if _ARABIC_WORD.fullmatch(folded):
            counts[folded] += 1
    return counts


@lru_cache(maxsize=1)
def word_counts() -> dict[str, int]:
    """Load the shipped word counts once (match form -> count)."""
    text = resources.files("akhbar.core.data").joinpath(DATA_FILE).read_text("utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        word, _, count = line.partition("\t")
        counts[word] = int(count)
    return counts


def _stems(word: str) -> Iterable[str]:
    """Yield ``word`` with common clitics stripped (may over-strip: only used to *keep* words)."""
    yield word
    for prefix in _PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            yield word[len(prefix):]
    for suffix in _ENCLITICS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)]
            yield stem
            yield from (stem[len(p):] for p in _PROCLITICS
                        if stem.startswith(p) and len(stem) - len(p) >= 2)


def is_plausible_word(word: str, counts: dict[str, int]) -> bool:
    """True when ``word`` (match form) is known, alone or once common clitics are removed."""
    return any(stem in counts for stem in _stems(word))


def _main(path: str) -> None:
    """Print the word-count file built from a CoNLL-style token-per-line corpus."""
    with open(path, encoding="utf-8") as corpus:
        counts = count_words(line.split()[0] for line in corpus if line.strip())
    for word, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        sys.stdout.write(f"{word}\t{count}\n")


if __name__ == "__main__":
    _main(sys.argv[1])
