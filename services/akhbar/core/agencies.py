"""News agencies and outlets that file or sign stories, read from a data file.

``data/agencies.tsv`` lists each one once, with its canonical name, a kind (``agency``,
``outlet`` or ``generic`` for "agencies" in general), a Wikidata QID only where it is
certain, and the spellings it goes by (أ ف ب، فرانس برس، وكالة الصحافة الفرنسية، AFP).
Spellings are compared as match-form words without punctuation, so أ.ف.ب and ا ف ب meet.
Editing the list needs no code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, cast

from akhbar.core.errors import DataFileCorrupt
from akhbar.core.keys import plain_key

__all__ = ["Agency", "AgencyKind", "agency_by_key", "agency_keys", "find_agency",
           "max_agency_words"]

DATA_FILE = "agencies.tsv"
AgencyKind = Literal["agency", "outlet", "generic"]
_KINDS: frozenset[str] = frozenset({"agency", "outlet", "generic"})


@dataclass(frozen=True, slots=True)
class Agency:
    """One agency or outlet: the name it is normalised to and its Wikidata id, if certain."""

    canonical: str
    kind: AgencyKind
    qid: str | None


@cache
def _table() -> dict[str, Agency]:
    """Match-form key of every spelling (the canonical name included) -> its agency."""
    text = resources.files("akhbar.core.data").joinpath(DATA_FILE).read_text("utf-8")
    table: dict[str, Agency] = {}
    for number, line in enumerate(text.splitlines()[1:], 2):
        canonical, kind, qid, spellings = line.split("\t")
        if kind not in _KINDS or not canonical:
            raise DataFileCorrupt(f"{DATA_FILE}:{number}: bad row {line!r}")
        agency = Agency(canonical, cast(AgencyKind, kind), qid or None)
        for spelling in (canonical, *filter(None, spellings.split("|"))):
            key = plain_key(spelling)
            if table.setdefault(key, agency) != agency:
                raise DataFileCorrupt(f"{DATA_FILE}:{number}: {spelling!r} names two agencies")
    return table


def find_agency(name: str) -> Agency | None:
    """The agency a name spells, whatever its punctuation and letter variants; else None."""
    return _table().get(plain_key(name))


def agency_by_key(key: str) -> Agency | None:
    """:func:`find_agency` of a name already folded (:func:`akhbar.core.keys.plain_key`)."""
    return _table().get(key)


def agency_keys() -> frozenset[str]:
    """Every known spelling as match-form words joined by spaces."""
    return frozenset(_table())


@cache
def max_agency_words() -> int:
    """The most words a known spelling has (bounds a greedy parse)."""
    return max(key.count(" ") + 1 for key in _table())
