"""Band buckets for MinHash LSH: which stored articles could be near-duplicates of a new one.

Derived, in-memory state only. It is rebuilt from the stored signatures after a
restart, so it holds nothing that is not also in the signatures table. A bucket
holds a bare ``str`` while it has one member (the common case, which saves about
a third of the index's memory) and a ``list`` once it has more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class BandIndex:
    """One dict per band, from band key to the article ids whose band hashes to it."""

    __slots__ = ("_bands", "_size")

    def __init__(self, bands: int) -> None:
        self._bands: list[dict[int, str | list[str]]] = [{} for _ in range(bands)]
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, article_id: str, keys: Sequence[int]) -> None:
        """Put ``article_id`` in the bucket of each of its band keys."""
        for buckets, key in zip(self._bands, keys, strict=True):
            members = buckets.get(key)
            if members is None:
                buckets[key] = article_id
            elif isinstance(members, str):
                buckets[key] = [members, article_id]
            else:
                members.append(article_id)
        self._size += 1

    def claim(self, article_id: str, keys: Sequence[int]) -> set[str]:
        """Add ``article_id`` like :meth:`add` and return the other ids already there.

        One dict access per band: on a large index those accesses are cache misses and
        were a quarter of the cost of a check when done twice (query, then add).
        """
        found: set[str] = set()
        for buckets, key in zip(self._bands, keys, strict=True):
            members = buckets.setdefault(key, article_id)
            if members == article_id:
                continue
            if isinstance(members, str):
                buckets[key] = [members, article_id]
                found.add(members)
            else:
                found.update(members)
                members.append(article_id)
        self._size += 1
        return found

    def remove(self, article_id: str, keys: Sequence[int]) -> None:
        """Take ``article_id`` out of the buckets it was added to with the same keys."""
        for buckets, key in zip(self._bands, keys, strict=True):
            members = buckets.get(key)
            if members == article_id:
                del buckets[key]
            elif isinstance(members, list) and article_id in members:
                members.remove(article_id)
                if len(members) == 1:
                    buckets[key] = members[0]
        self._size -= 1

    def candidates(self, keys: Sequence[int]) -> set[str]:
        """Return every article id that shares at least one band key with ``keys``."""
        found: set[str] = set()
        for buckets, key in zip(self._bands, keys, strict=True):
            members = buckets.get(key)
            if members is None:
                continue
            if isinstance(members, str):
                found.add(members)
            else:
                found.update(members)
        return found

    def bucket_sizes(self) -> Iterable[int]:
        """Yield the size of every non-empty bucket (for diagnostics and tests)."""
        for buckets in self._bands:
            for members in buckets.values():
                yield 1 if isinstance(members, str) else len(members)
