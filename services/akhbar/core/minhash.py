"""MinHash signatures of word shingles, the currency of near-duplicate detection.

A signature is a plain ``list[int]`` so it can be stored as JSON in a changelogged
table and compared later without the text. Anything that changes the numbers a
signature holds (shingle width, permutation count, seed, rensa's hashing) must
change :func:`algorithm_version`, because old and new signatures are not comparable.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import eq

from rensa import RMinHash

SHINGLE_WORDS = 3
NUM_PERM = 128
SEED = 42
_FORMAT_REVISION = 1  # bump when shingling changes in a way the other fields do not show


def algorithm_version(num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS) -> str:
    """Name everything that makes two signatures comparable; stored next to each one."""
    rensa_algo = int(RMinHash.ALGORITHM_VERSION)
    return (
        f"minhash-rensa0.5.0a{rensa_algo}-w{shingle_words}-p{num_perm}-s{SEED}"
        f"-v{_FORMAT_REVISION}"
    )


def shingles(match_text: str, width: int = SHINGLE_WORDS) -> list[str]:
    """Return the overlapping ``width``-word windows of ``match_text``.

    Word shingles keep word order, so two articles that share names but not
    sentences share few shingles. A text shorter than ``width`` words is one shingle.
    """
    words = match_text.split()
    if len(words) <= width:
        return [" ".join(words)] if words else []
    if width == 1:
        return words
    return [" ".join(words[i : i + width]) for i in range(len(words) - width + 1)]


def signature(
    match_text: str, *, num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS
) -> list[int] | None:
    """Return the MinHash signature of ``match_text``, or ``None`` for a text with no words."""
    grams = shingles(match_text, shingle_words)
    if not grams:
        return None
    sketch = RMinHash(num_perm, SEED)
    sketch.update(grams)
    digest: list[int] = sketch.digest()
    return digest


def band_keys(sig: Sequence[int], bands: int) -> list[int]:
    """Return one bucket key per band: articles sharing any key become candidates.

    ``hash`` of a tuple of ints does not depend on ``PYTHONHASHSEED`` (only str and
    bytes hashing is salted), and the keys are never stored anyway: the buckets are
    rebuilt in-process from the stored signatures.
    """
    rows = len(sig) // bands
    return [hash(tuple(sig[b * rows : (b + 1) * rows])) for b in range(bands)]


def estimated_jaccard(first: Sequence[int], second: Sequence[int]) -> float:
    """Estimate the Jaccard similarity of two shingle sets from their signatures."""
    if len(first) != len(second) or not first:
        return 0.0
    matches: int = sum(map(eq, first, second))
    return matches / len(first)
