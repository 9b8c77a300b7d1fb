"""The shipped gazetteer: known names, their canonical form, type and Wikidata id.

Lookup runs over match-form tokens, so hamza/alef/ya/teh-marbuta variants meet. A name's
first token may carry proclitics (و ف ب ل ك, combinations, and لل for ل + article): every
reading from :func:`clitic_readings` is tried, and a reading only counts when the rest is
a known name, which is what keeps واشنطن and بلير whole.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from akhbar.core.errors import DataFileCorrupt
from akhbar.core.normalize import match_form
from akhbar.tagger.entity import ENTITY_TYPES, EntityType
from akhbar.tagger.tokens import clitic_readings, clitic_spellings, tokenize

_START_CACHE_LIMIT = 200_000  # distinct words whose name-start readings are kept

DATA_DIR = Path(__file__).parent / "data"
GAZETTEER_PATH = DATA_DIR / "gazetteer.tsv"
FIELDS = ("canonical", "type", "qid", "variants", "source")


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One known entity and all the spellings it goes by."""

    canonical: str
    type: EntityType
    qid: str | None
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GazMatch:
    """Tokens ``[first, end)`` name ``entry``; the first ``skip`` chars are clitics."""

    first: int
    end: int
    skip: int
    entry: GazEntry


def name_key(name: str) -> tuple[str, ...]:
    """Match-form tokens of a name: the key both the index and the text agree on."""
    return tuple(t.text for t in tokenize(match_form(name)))


_Index = dict[str, dict[tuple[str, ...], "GazEntry"]]
# What a word may begin (see Gazetteer._starts): per clitic reading that begins names,
# the chars skipped, the rests of those names and their lengths (longest first); the
# words any longer name goes on with; the one-word name it is, as (skip, entry), if any.
_Reading = tuple[int, dict[tuple[str, ...], "GazEntry"], tuple[int, ...]]
_Start = tuple[tuple[_Reading, ...], frozenset[str], "tuple[int, GazEntry] | None"]


class Gazetteer:
    """Longest-match lookup of known names in a token sequence."""

    def __init__(self, entries: Iterable[GazEntry]) -> None:
        keyed = (
            (name_key(name), entry)
            for entry in entries
            for name in (entry.canonical, *entry.variants)
        )
        self._set(self._build(keyed))

    def _set(self, index: _Index) -> None:
        self._index = index
        self._start_cache: dict[str, _Start] = {}
        self._lookup = self._spellings(index)
        self._lengths = self._rest_lengths(index)
        self._seconds = self._second_words(index)

    @classmethod
    def from_keys(cls, keyed: Iterable[tuple[tuple[str, ...], GazEntry]]) -> Gazetteer:
        """A gazetteer over names already in match-form words (no re-normalising)."""
        gazetteer = cls(())
        gazetteer._set(cls._build(keyed))
        return gazetteer

    @staticmethod
    def _build(keyed: Iterable[tuple[tuple[str, ...], GazEntry]]) -> _Index:
        """Index by first word, then by the rest of the name; the first entry of a key wins."""
        index: _Index = {}
        for key, entry in keyed:
            if key:
                index.setdefault(key[0], {}).setdefault(key[1:], entry)
        return index

    @staticmethod
    def _spellings(index: _Index) -> frozenset[str]:
        """Words that may start a match: a first name word, with or without clitics."""
        return frozenset(chain.from_iterable(map(clitic_spellings, index)))

    @staticmethod
    def _rest_lengths(index: _Index) -> dict[str, tuple[int, ...]]:
        """Per first word, the lengths of the rests of its names, longest first."""
        return {w: tuple(sorted({len(r) for r in c}, reverse=True)) for w, c in index.items()}

    @staticmethod
    def _second_words(index: _Index) -> dict[str, frozenset[str]]:
        """Per first word, the second words of its longer names: when the next word is
        none of them, only a one-word name can match, and no rest need be looked up."""
        return {w: frozenset(r[0] for r in c if r) for w, c in index.items()}

    def __len__(self) -> int:
        return sum(len(c) for c in self._index.values())

    def names(self) -> list[tuple[tuple[str, ...], EntityType]]:
        """Every indexed name as match-form words, with its type."""
        index = self._index
        return [((first, *rest), e.type) for first, c in index.items() for rest, e in c.items()]

    def starts_name(self, word: str) -> bool:
        """True if some known name begins with this match-form word."""
        return word in self._index

    def find(self, words: Sequence[str]) -> list[GazMatch]:
        """Non-overlapping longest matches, scanning left to right.

        Most candidate words begin only longer names and the next word goes on with none
        of them: one set test rules those out without a call to :meth:`_match_at`.
        """
        found: list[GazMatch] = []
        end = 0
        lookup, cached, last = self._lookup, self._start_cache.get, len(words) - 1
        for i in [i for i, word in enumerate(words) if word in lookup]:
            if i < end:
                continue
            _, nexts, single = cached(words[i]) or self._starts(words[i])
            if single is None and (i == last or words[i + 1] not in nexts):
                continue
            match = self._match_at(words, i)
            if match is not None:
                found.append(match)
                end = match.end
        return found

    def _starts(self, word: str) -> _Start:
        """What ``word`` may begin, over its clitic readings (see ``_Start``).

        Cached per word (news repeats its words): the readings and index lookups were a
        third of :meth:`find`.
        """
        starts = self._start_cache.get(word)
        if starts is None:
            index, lengths, seconds = self._index, self._lengths, self._seconds
            forms = [(skip, form) for skip, form in clitic_readings(word) if form in index]
            readings = tuple((skip, index[form], lengths[form]) for skip, form in forms)
            nexts = frozenset().union(*(seconds[form] for _, form in forms))
            single = next(((skip, rests[()]) for skip, rests, _ in readings if () in rests),
                          None)
            starts = (readings, nexts, single)
            if len(self._start_cache) >= _START_CACHE_LIMIT:
                self._start_cache.clear()  # bounded memory in a long-running worker
            self._start_cache[word] = starts
        return starts

    def _match_at(self, words: Sequence[str], i: int) -> GazMatch | None:
        """The longest name at ``i`` over every clitic reading of its first word.

        When the next word goes on with none of the longer names, only the one-word name
        (of the first reading that has one) can match, and no rest need be looked up.
        """
        readings, nexts, single = self._starts(words[i])
        if i + 1 >= len(words) or words[i + 1] not in nexts:
            return None if single is None else GazMatch(i, i + 1, *single)
        best: GazMatch | None = None
        for skip, rests, lengths in readings:
            for size in lengths:
                end = i + 1 + size
                entry = rests.get(tuple(words[i + 1 : end])) if end <= len(words) else None
                if entry is not None:
                    if best is None or end > best.end:
                        best = GazMatch(i, end, skip, entry)
                    break
        return best


def read_entries(path: Path) -> list[GazEntry]:
    """Read gazetteer rows (TSV with a header, variants joined by ``|``)."""
    entries: list[GazEntry] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            kind = row["type"]
            if kind not in ENTITY_TYPES:
                raise DataFileCorrupt(f"bad entity type {kind!r} in {path}")
            variants = tuple(v for v in row["variants"].split("|") if v)
            entries.append(GazEntry(row["canonical"], kind, row["qid"] or None, variants))
    return entries


def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    """The shipped gazetteer (built by :mod:`akhbar.tagger.training.build_gazetteer`)."""
    return Gazetteer(read_entries(path))
