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
_FORMAT_REVISION = 2  # bump when shingling changes in a way the other fields do not show


def algorithm_version(num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS) -> str:
    """Name everything that makes two signatures comparable; stored next to each one."""
    rensa_algo = int(RMinHash.ALGORITHM_VERSION)
    return (
        f"minhash-rensa0.5.0-rmh{rensa_algo}-w{shingle_words}-p{num_perm}-s{SEED}"
        f"-v{_FORMAT_REVISION}"
    )


def shingles(match_text: str, width: int = SHINGLE_WORDS) -> list[bytes]:
    """Return the overlapping ``width``-word windows of ``match_text``, as UTF-8."""
    return utf8_shingles(match_text.encode("utf-8"), width)


def utf8_shingles(match_utf8: bytes, width: int = SHINGLE_WORDS) -> list[bytes]:
    """Return the overlapping ``width``-word windows of UTF-8 text.

    Word shingles keep word order, so two articles that share names but not
    sentences share few shingles. A text shorter than ``width`` words is one shingle.
    Bytes and ``map``, because building ~500 small ``str`` per article in a list
    comprehension measured 1.5-2x slower, and shingling is most of the cost of a check.
    """
    words = match_utf8.split()
    if len(words) <= width:
        return [b" ".join(words)] if words else []
    if width == 1:
        return words
    return list(map(b" ".join, zip(*(words[i:] for i in range(width)), strict=False)))


def signature(
    match_text: str, *, num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS
) -> list[int] | None:
    """Return the MinHash signature of ``match_text``, or ``None`` for a text with no words."""
    return utf8_signature(match_text.encode("utf-8"), num_perm=num_perm,
                          shingle_words=shingle_words)


def utf8_signature(
    match_utf8: bytes, *, num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS
) -> list[int] | None:
    """:func:`signature` of text already encoded (the content hash needs the bytes too)."""
    sketch = utf8_sketch(match_utf8, num_perm=num_perm, shingle_words=shingle_words)
    return sketch[0] if sketch else None


def utf8_sketch(
    match_utf8: bytes, *, num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS
) -> tuple[list[int], int] | None:
    """The signature and the number of shingles it sketches (what turns an estimated
    Jaccard into an estimated containment), or None for a text without words.

    The count includes repeated shingles: a set of them cost ~14 us per article (10 % of
    the signature), and the clean stage has already removed repeated text.
    """
    grams = utf8_shingles(match_utf8, shingle_words)
    if not grams:
        return None
    sketch = RMinHash(num_perm, SEED)
    sketch.update(grams)
    digest: list[int] = sketch.digest()
    return digest, len(grams)


def estimated_containment(jaccard: float, inner: int, outer: int) -> float:
    """Estimated share of the ``inner`` set's shingles that are in the ``outer`` set.

    From ``|A ∩ B| = J (|A| + |B|) / (1 + J)``, with the estimated Jaccard ``J``.
    """
    if inner <= 0:
        return 0.0
    return min(1.0, jaccard * (inner + outer) / ((1.0 + jaccard) * inner))


def band_keys(sig: Sequence[int], bands: int) -> list[int]:
    """Return one bucket key per band: articles sharing any key become candidates.

    ``hash`` of a tuple of ints does not depend on ``PYTHONHASHSEED`` (only str and
    bytes hashing is salted), and the keys are never stored anyway: the buckets are
    rebuilt in-process from the stored signatures.
    """
    rows = len(sig) // bands
    return list(map(hash, zip(*[iter(sig)] * rows, strict=False)))  # consecutive rows


def estimated_jaccard(first: Sequence[int], second: Sequence[int]) -> float:
    """Estimate the Jaccard similarity of two shingle sets from their signatures."""
    if len(first) != len(second) or not first:
        return 0.0
    matches: int = sum(map(eq, first, second))
    return matches / len(first)
