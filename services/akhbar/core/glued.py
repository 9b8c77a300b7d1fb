"""Split two Arabic words run together by a lost space (``الأممالمتحدة`` -> ``الأمم المتحدة``).

A split is made only when the dictionary makes it certain: the token is not a known word
(even with its clitics removed), exactly one cut leaves two known words, and either the
second word starts with the article ال (the commonest lost space in news copy) or both
words are frequent. Anything less certain is left alone: a wrong split (البراميل ->
البر اميل) damages the text more than a missed one. Measured on held-out ANERcorp text,
see docs/benchmarks.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

from akhbar.core.lexicon import is_plausible_word, word_counts
from akhbar.core.normalize import ARABIC_FOLD_TABLE, match_form, match_with_offsets

__all__ = ["FREQUENT_PART_COUNT", "MIN_PART_COUNT", "find_split", "split_glued_words"]

MIN_PART_COUNT = 3  # each half must occur at least this often in the word counts
FREQUENT_PART_COUNT = 10  # ... and this often when the second half does not start with ال
MIN_PART_LENGTH = 3  # letters in each half (match form)
MIN_TOKEN_LENGTH = 7
MAX_TOKEN_LENGTH = 30  # longer runs are not two words (and would cost quadratic cuts)

# A run of Arabic letters and marks long enough to hold two words.
_CANDIDATE = re.compile(r"[\u0621-\u063a\u0640-\u0652\u0670]{7,}")


def find_split(folded: str, counts: dict[str, int]) -> int | None:
    """Return the cut position in match form ``folded`` when a split is certain, else None."""
    if not MIN_TOKEN_LENGTH <= len(folded) <= MAX_TOKEN_LENGTH:
        return None
    if is_plausible_word(folded, counts):
        return None
    cuts = [
        cut
        for cut in range(MIN_PART_LENGTH, len(folded) - MIN_PART_LENGTH + 1)
        if counts.get(folded[:cut], 0) >= MIN_PART_COUNT
        and counts.get(folded[cut:], 0) >= MIN_PART_COUNT
    ]
    if len(cuts) != 1:
        return None
    first, second = folded[: cuts[0]], folded[cuts[0] :]
    if second.startswith("ال"):
        return cuts[0]
    frequent = min(counts[first], counts[second]) >= FREQUENT_PART_COUNT
    return cuts[0] if frequent else None




@lru_cache(maxsize=100_000)
def _cut(folded: str) -> int | None:
    return find_split(folded, word_counts())


@lru_cache(maxsize=100_000)
def _split_token(token: str) -> str | None:
    """Return ``token`` with one space inserted at a certain split, or None."""
    cut = _cut(token.translate(ARABIC_FOLD_TABLE))  # tokens are Arabic letters and marks
    if cut is None:
        return None
    folded, starts = match_with_offsets(token)
    if folded != match_form(token) or " " in folded:
        return None
    at = starts[cut]
    return f"{token[:at]} {token[at:]}"


def split_glued_words(text: str, removed: dict[str, int]) -> str:
    """Insert the lost space into every glued pair the dictionary is sure about."""
    splits = {}
    for token in set(_CANDIDATE.findall(text)):
        if len(token) > MAX_TOKEN_LENGTH + 10:  # room for a few diacritics
            continue
        split = _split_token(token)
        if split is not None:
            splits[token] = split
    if not splits:
        return text
    count = 0

    def _replace(match: re.Match[str]) -> str:
        nonlocal count
        split = splits.get(match.group())
        if split is None:
            return match.group()
        count += 1
        return split

    text = _CANDIDATE.sub(_replace, text)
    removed["glued_words_split"] = removed.get("glued_words_split", 0) + count
    return text
