"""Exact and near-duplicate detection over a window of recently seen articles.

One durable mapping holds the state (the worker backs it with a changelogged table; tests
use a dict): ``signatures``, article id -> ``{"hash": content hash, "sig": [ints] | None,
"algo": version, "ts": first_seen}``, for unique articles only, so a duplicate always
points to an original. Everything else is derived from it on first use, so a restarted
worker rebuilds it from its recovered table: the content-hash lookup of exact copies and
the LSH buckets of near copies. (A second table keyed by content hash cost a changelog
record and a store lookup per article: 0.46 ms of the worker's 2.1 ms CPU per record.)
A signature whose ``algo`` differs from ours cannot be compared (the text is gone), so it
stays out of the buckets until it expires; its hash still finds exact copies.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

from akhbar.core.errors import ConfigError
from akhbar.core.lsh import BandIndex
from akhbar.core.minhash import (
    SHINGLE_WORDS,
    algorithm_version,
    band_keys,
    estimated_containment,
    estimated_jaccard,
    utf8_sketch,
)

__all__ = ["ALGORITHM_VERSION", "CONTAINMENT", "MAX_GROWTH", "Deduper", "Status", "Verdict",
           "content_hash"]

ALGORITHM_VERSION: str = algorithm_version()
# Chosen on bench/dedup_eval.py seeds 3 and 11 (no hard negative above 0.82 estimated
# containment; a full story after its brief grows far more than 1.25x), see docs/dedup.md.
CONTAINMENT = 0.85
MAX_GROWTH = 1.25
Status = Literal["unique", "exact", "near"]


def content_hash(match_text: str) -> str:
    """Return the blake2b-128 hex digest of a match form: the key of exact duplicates."""
    return _utf8_content_hash(match_text.encode("utf-8"))


def _utf8_content_hash(match_utf8: bytes) -> str:
    return hashlib.blake2b(match_utf8, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Verdict:
    """What :meth:`Deduper.check` decided about one article."""

    status: Status
    duplicate_of: str | None
    similarity: float | None  # 1.0 for exact, estimated Jaccard for near, None for unique
    # The blake2b digest check() computed anyway: callers record it without hashing again.
    content_hash: str = field(default="", compare=False)


class Deduper:
    """First seen wins; later exact or near copies within the window point to it."""

    def __init__(
        self,
        *,
        signatures: MutableMapping[str, Any],
        threshold: float = 0.8,
        window_seconds: float = 7 * 86400,
        num_perm: int = 128,
        bands: int = 16,
        shingle_words: int = SHINGLE_WORDS,
        containment: float | None = CONTAINMENT,
        max_growth: float = MAX_GROWTH,
    ) -> None:
        if num_perm % bands:
            raise ConfigError(f"num_perm ({num_perm}) must be a multiple of bands ({bands})")
        self._signatures = signatures
        self.threshold = threshold
        self.window_seconds = window_seconds
        self.num_perm = num_perm
        self.bands = bands
        self.shingle_words = shingle_words
        # Also near: a candidate whose estimated share inside the new text reaches
        # ``containment`` ("the original plus extra material"), when the new text has at
        # most ``max_growth`` times its shingles (a full story after its brief is news).
        self.containment = containment
        self.max_growth = max_growth
        self.algorithm = algorithm_version(num_perm, shingle_words)
        self._index: BandIndex | None = None
        self._by_hash: dict[str, tuple[str, float]] = {}  # content hash -> (first id, ts)
        self._expiry: list[tuple[float, str]] = []

    def check(self, article_id: str, match_text: str, now: float) -> Verdict:
        """Decide and remember: first seen wins; later exact/near copies point to it."""
        index = self._loaded_index()
        cutoff = now - self.window_seconds
        utf8 = match_text.encode("utf-8")  # once, for both the hash and the shingles
        digest = _utf8_content_hash(utf8)
        seen = self._by_hash.get(digest)
        if seen is not None and seen[1] >= cutoff:
            if seen[0] == article_id:  # a re-delivery of the original is not its own copy
                return Verdict("unique", None, None, digest)
            return Verdict("exact", seen[0], 1.0, digest)
        sketch = utf8_sketch(utf8, num_perm=self.num_perm, shingle_words=self.shingle_words)
        sig, size = sketch if sketch else (None, 0)
        previous = self._signatures.get(article_id)  # read once: a table lookup in the worker
        if sig is not None:
            near = self._near_or_indexed(index, article_id, sig, size, cutoff, previous)
            if near is not None:
                return Verdict("near", near[0], near[1], digest)
        elif previous is not None:  # no words to sketch: drop the id's older sketch
            self._unindex(index, article_id, previous)
        self._remember(article_id, digest, sig, size, now, previous)
        return Verdict("unique", None, None, digest)

    def expire(self, now: float) -> int:
        """Drop state older than the window; return how many entries were removed."""
        index = self._loaded_index()
        cutoff = now - self.window_seconds
        removed = 0
        while self._expiry and self._expiry[0][0] < cutoff:
            _, article_id = heapq.heappop(self._expiry)
            entry = self._signatures.get(article_id)
            if entry is not None and entry["ts"] < cutoff:
                self._unindex(index, article_id, entry)
                self._forget_hash(article_id, entry)
                del self._signatures[article_id]
                removed += 1
        return removed

    def indexed_count(self) -> int:
        """Return how many signatures the near-duplicate index holds (a gauge)."""
        return len(self._loaded_index())

    def _near_or_indexed(
        self,
        index: BandIndex,
        article_id: str,
        sig: list[int],
        size: int,
        cutoff: float,
        previous: Any,
    ) -> tuple[str, float] | None:
        """Return ``(original, similarity)``, or ``None`` with ``article_id`` left in the buckets.

        The buckets are claimed while looking (one dict access per band instead of two)
        and released again if the article turns out to be a copy.
        """
        keys = band_keys(sig, self.bands)
        if previous is not None:  # the same id again with other text: replace its buckets
            self._unindex(index, article_id, previous)
        best = self._best_match(article_id, sig, size, index.claim(article_id, keys), cutoff)
        if best is None:
            return None
        index.remove(article_id, keys)
        if previous is not None:  # a copy does not change what is stored
            self._reindex(index, article_id, previous)
        return best

    def _best_match(
        self, article_id: str, sig: list[int], size: int, candidates: set[str], cutoff: float
    ) -> tuple[str, float] | None:
        """Return the most similar live candidate at or above the threshold (or, with
        ``containment``, mostly inside the new text), if any."""
        candidates.discard(article_id)  # never a near-duplicate of itself
        best: tuple[str, float] | None = None
        for candidate in candidates:
            entry = self._signatures.get(candidate)
            if entry is None or entry["ts"] < cutoff or not self._comparable(entry):
                continue
            similarity = estimated_jaccard(sig, entry["sig"])
            if (similarity >= self.threshold or self._contained(similarity, entry, size)) and (
                best is None or similarity > best[1]
            ):
                best = (candidate, similarity)
        return best

    def _contained(self, similarity: float, entry: Any, size: int) -> bool:
        """True when the stored article is (estimated) mostly inside the new one."""
        stored = entry.get("n")  # absent in entries written before sizes were stored
        if self.containment is None or not stored or size > self.max_growth * stored:
            return False
        return estimated_containment(similarity, stored, size) >= self.containment

    def _remember(
        self, article_id: str, digest: str, sig: list[int] | None, size: int, now: float,
        previous: Any,
    ) -> None:
        """Store a unique article, its hash and its expiry (buckets: already claimed)."""
        if previous is not None:  # the same id with other text: its old hash goes
            self._forget_hash(article_id, previous)
        entry = {"hash": digest, "sig": sig, "n": size, "algo": self.algorithm, "ts": now}
        self._signatures[article_id] = entry
        self._by_hash[digest] = (article_id, now)
        heapq.heappush(self._expiry, (now, article_id))

    def _forget_hash(self, article_id: str, entry: Any) -> None:
        digest = entry.get("hash")
        if digest is not None and self._by_hash.get(digest, ("",))[0] == article_id:
            del self._by_hash[digest]

    def _comparable(self, entry: Any) -> bool:
        """A stored sketch of our algorithm (not a text without words, not another version)."""
        return entry["sig"] is not None and entry["algo"] == self.algorithm

    def _unindex(self, index: BandIndex, article_id: str, entry: Any) -> None:
        """Take a stored signature out of the buckets, if it was ever put there."""
        if self._comparable(entry):
            index.remove(article_id, band_keys(entry["sig"], self.bands))

    def _reindex(self, index: BandIndex, article_id: str, entry: Any) -> None:
        """Put a stored signature back in the buckets, if it belongs there."""
        if self._comparable(entry):
            index.add(article_id, band_keys(entry["sig"], self.bands))

    def _loaded_index(self) -> BandIndex:
        """Derive the buckets, the hash lookup and the expiry queue from the table, once."""
        if self._index is not None:
            return self._index
        index = BandIndex(self.bands)
        for article_id, entry in self._signatures.items():
            self._expiry.append((entry["ts"], article_id))
            self._reindex(index, article_id, entry)
            digest = entry.get("hash")
            if digest is not None:
                first = self._by_hash.get(digest)
                if first is None or entry["ts"] < first[1]:  # first seen wins
                    self._by_hash[digest] = (article_id, entry["ts"])
        heapq.heapify(self._expiry)
        self._index = index
        return index
