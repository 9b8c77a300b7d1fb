"""General knowledge the CRF reads as soft evidence: name parts, full names, word
frequency, place names and organisation head nouns.

Built by :mod:`akhbar.tagger.training.build_knowledge` from pinned registry packages
(licences in ``data/NOTICE``), except ``org_heads.txt``, which is written by hand. Each
file is optional for the code (an empty list is a weaker tagger, not a crash), but the
shipped model was trained with all of them: :func:`load_world` is what ships.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from akhbar.core.normalize import match_form
from akhbar.tagger.gazetteer import DATA_DIR, GazEntry, Gazetteer

NAME_PARTS_PATH = DATA_DIR / "name_parts.tsv"
FULL_NAMES_PATH = DATA_DIR / "full_names.txt"
FREQ_PATH = DATA_DIR / "word_freq.tsv"
PLACES_PATH = DATA_DIR / "places.tsv"
ORG_HEADS_PATH = DATA_DIR / "org_heads.txt"
TOPICS_PATH = DATA_DIR / "topic_words.tsv"
TOPIC_WINDOW = 30  # tokens either side

CERTAIN_MIN_POPULATION = 100_000
CERTAIN_DOMINANCE = 10  # the named place outnumbers any namesake this many times
CERTAIN_MAX_FREQ = 7  # int(2 * zipf): a name at Zipf 4 or more is an everyday word too
# Population buckets of a place-name match (the feature's value).
_BIG, _MID = 100_000, 10_000
FULL_NAME = GazEntry("full-name", "PER", None, ())
PLACE_BUCKETS = {
    "big": GazEntry("big", "LOC", None, ()),
    "mid": GazEntry("mid", "LOC", None, ()),
    "small": GazEntry("small", "LOC", None, ()),
}


@dataclass(frozen=True, slots=True)
class Place:
    """One place name's most populous GeoNames place."""

    geonames_id: int
    population: int
    country: str
    spelling: str  # the name as GeoNames writes it (diacritics dropped)
    runner_up: int = 0  # population of the next most populous place of that name


@dataclass(frozen=True, slots=True)
class World:
    """The knowledge files, loaded."""

    parts: dict[str, str]  # name part -> "g", "s" or "gs"
    freq: dict[str, int]  # word -> int(2 * zipf), Zipf >= 2 only
    org_heads: frozenset[str]  # stems of organisation head nouns
    full_names: Gazetteer  # every entry is FULL_NAME
    places: Gazetteer  # entries are PLACE_BUCKETS values
    place_ids: dict[str, Place]  # match-form place name -> its GeoNames facts
    topics: dict[str, str] = field(default_factory=dict)  # word -> topic

    def topic_labels(self, words: Sequence[str]) -> list[str]:
        """Per token, the topics with a word within :data:`TOPIC_WINDOW` tokens ("" if none)."""
        size = len(words)
        if self.topics.keys().isdisjoint(words):  # most texts: one pass in C
            return [""] * size
        hits = [(i, t) for i, w in enumerate(words) if (t := self.topics.get(w))]
        out = [""] * size
        for name in sorted({t for _, t in hits}):
            near = [0] * (size + 1)  # +1 where a window opens, -1 where it closes
            for i, t in hits:
                if t == name:
                    near[max(0, i - TOPIC_WINDOW)] += 1
                    near[min(size, i + TOPIC_WINDOW + 1)] -= 1
            open_windows = 0
            for i in range(size):
                open_windows += near[i]
                if open_windows:
                    out[i] = name if not out[i] else out[i] + "+" + name
        return out

    def certain_place(self, key: str, known_place: bool = False) -> Place | None:
        """The place a match-form name points at without doubt, or None.

        Its most populous place has at least 100,000 people and ten times the runner-up's.
        Unless the text is already known to name a place (``known_place``: the model or a
        curated list says so), the name must also be neither a person's name part nor an
        everyday word (Zipf < 4), or matching it would tag words.
        """
        place = self.place_ids.get(key)
        if place is None or place.population < CERTAIN_MIN_POPULATION:
            return None
        if place.runner_up * CERTAIN_DOMINANCE > place.population:
            return None
        if known_place:
            return place
        words = key.split()
        if any(len(w) < 4 for w in words) or (len(words) == 1 and key in self.parts):
            return None
        return place if self.freq.get(key, 0) <= CERTAIN_MAX_FREQ else None


EMPTY_WORLD = World({}, {}, frozenset(), Gazetteer(()), Gazetteer(()), {})


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def _bucket(population: int) -> str:
    return "big" if population >= _BIG else "mid" if population >= _MID else "small"


def read_places(path: Path = PLACES_PATH) -> dict[str, Place]:
    """Name -> its most populous place, and the population of the runner-up."""
    out: dict[str, Place] = {}
    for line in _lines(path):
        name, spelling, gid, pop, country = line.split("\t")
        place = Place(int(gid), int(pop), country, spelling)
        held = out.get(name)
        if held is None:
            out[name] = place
        elif held.geonames_id == place.geonames_id:
            continue  # another spelling with the same match form
        elif place.population > held.population:
            out[name] = Place(*_fields(place), runner_up=held.population)
        else:
            out[name] = Place(*_fields(held), runner_up=max(held.runner_up, place.population))
    return out


def _fields(p: Place) -> tuple[int, int, str, str]:
    return p.geonames_id, p.population, p.country, p.spelling


def read_org_heads(path: Path = ORG_HEADS_PATH) -> frozenset[str]:
    """Match forms of the hand-written head nouns (``#`` lines are comments)."""
    words = (w for line in _lines(path) if not line.startswith("#") for w in line.split())
    return frozenset(match_form(w) for w in words)


def load_world() -> World:
    """The shipped knowledge files."""
    parts = dict(line.split("\t") for line in _lines(NAME_PARTS_PATH))
    freq = {w: int(b) for w, b in (line.split("\t") for line in _lines(FREQ_PATH))}
    fulls = Gazetteer.from_keys((tuple(n.split()), FULL_NAME) for n in _lines(FULL_NAMES_PATH))
    place_ids = read_places()
    places = Gazetteer.from_keys(
        (tuple(name.split()), PLACE_BUCKETS[_bucket(p.population)])
        for name, p in place_ids.items()
    )
    topics = {
        match_form(word): topic
        for line in _lines(TOPICS_PATH)
        if not line.startswith("#")
        for topic, words in [line.split("\t")]
        for word in words.split()
    }
    return World(parts, freq, read_org_heads(), fulls, places, place_ids, topics)
