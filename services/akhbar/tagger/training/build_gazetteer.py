"""Build ``data/gazetteer.tsv`` from offline sources: CLDR (babel), pycountry, curated.tsv;
GeoNames ids (``data/places.tsv``) for the places that have no Wikidata id.

Run by hand: ``.venv/bin/python -m akhbar.tagger.training.build_gazetteer``. Countries come from
CLDR territory names (short, common forms as canonical) plus pycountry's official Arabic
names as variants (diacritics stripped); cities from CLDR exemplar cities, filtered for
short or common words; ``data/curated.tsv`` (hand-made) wins on any clash. Nothing here
comes from ANERcorp, so using the gazetteer as a CRF feature in cross-validation is fair.
"""

from __future__ import annotations

import csv
import gettext
import sys
import unicodedata
from pathlib import Path

import pycountry
from babel import Locale

from akhbar.core.normalize import match_form
from akhbar.tagger.gazetteer import DATA_DIR, FIELDS, GAZETTEER_PATH, name_key
from akhbar.tagger.knowledge import World, load_world
from akhbar.tagger.training.country_ids import AMBIGUOUS_COUNTRY_NAMES, COUNTRY_NAMES, COUNTRY_QIDS

CURATED_PATH = DATA_DIR / "curated.tsv"
Row = dict[str, str]

# CLDR city names that are also everyday Arabic words or too obscure to be safe.
_CITY_STOPWORDS = (
    "استر سنتر سيتا جوني سمراء كريسماس ماهي سالطا فيفاي كيابا كناري أورال برثا أندير "
    "ماشيو دافيز واليس ريسيف نيوي مجادن ليندمان ميدواي كوكوس ترول أوكلا أداك أبيا "
    "كايين ديلي سايووا بويس دارون ماكسار باهيا كانتون أشوا هوفد ماهي مارنجو "
    "كوردوبا لومبباشا فينسينس كيشينج واك نوم بلم ثيل ترك"
)
_CITY_STOPLIST = frozenset(match_form(w) for w in _CITY_STOPWORDS.split())


def plain(name: str) -> str:
    """Drop diacritics (harakat, shadda) but keep letters and hamza forms as written."""
    decomposed = unicodedata.normalize("NFC", name)
    kept = (c for c in decomposed if not ("\u064b" <= c <= "\u065f" or c == "\u0670"))
    return " ".join("".join(kept).split())


def country_rows() -> list[Row]:
    """One row per ISO country: CLDR short name, pycountry official names as variants."""
    cldr = Locale("ar").territories
    iso = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    rows: list[Row] = []
    for country in pycountry.countries:
        code = country.alpha_2
        names = [*COUNTRY_NAMES.get(code, ()), cldr.get(code, ""), iso.gettext(country.name)]
        official = getattr(country, "official_name", "")
        names += [iso.gettext(official)] if official else []
        arabic = [plain(n) for n in names if _is_clean_arabic(n)]
        arabic = [n for n in arabic if n not in AMBIGUOUS_COUNTRY_NAMES]
        if arabic:
            qid = COUNTRY_QIDS.get(code, "")
            rows.append(_row(arabic[0], "LOC", qid, arabic[1:], "cldr+iso"))
    return rows


def _is_clean_arabic(name: str) -> bool:
    """Arabic script, and no comma or bracket (ISO's inverted or glossed forms)."""
    has_arabic = any("\u0621" <= c <= "\u064a" for c in name)
    return has_arabic and not any(mark in name for mark in "(،,-")


def city_rows() -> list[Row]:
    """CLDR exemplar cities in Arabic, minus short, odd or common-word names."""
    rows: list[Row] = []
    cities = {z.get("city") for z in Locale("ar").time_zones.values()}
    for city in sorted(c for c in cities if c):
        name = plain(city)
        key = match_form(name)
        if len(key.replace(" ", "")) < 4 or key in _CITY_STOPLIST:
            continue
        if any(mark in name for mark in "(،,") or "مدينة" in name:
            continue
        rows.append(_row(name, "LOC", "", [], "cldr-city"))
    return rows


def curated_rows(path: Path = CURATED_PATH) -> list[Row]:
    """Hand-curated rows; ``#`` lines are comments."""
    rows: list[Row] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, kind, qid, variants = [*line.split("\t"), "", "", ""][:4]
        rows.append(_row(canonical, kind, qid, variants.split("|"), "curated"))
    return rows


def _row(canonical: str, kind: str, qid: str, variants: list[str], source: str) -> Row:
    unique = [v for v in dict.fromkeys(variants) if v and v != canonical]
    return {
        "canonical": canonical,
        "type": kind,
        "qid": qid,
        "variants": "|".join(unique),
        "source": source,
    }


def merge(layers: list[list[Row]]) -> list[Row]:
    """Later layers win: a name key claimed by a later row is dropped from earlier rows."""
    claimed: set[tuple[str, ...]] = set()
    merged: list[Row] = []
    for layer in reversed(layers):
        for row in layer:
            names = [row["canonical"], *filter(None, row["variants"].split("|"))]
            free = [n for n in names if name_key(n) not in claimed]
            if name_key(row["canonical"]) in claimed or not free:
                continue
            claimed.update(name_key(n) for n in free)
            merged.append(_row(free[0], row["type"], row["qid"], free[1:], row["source"]))
    return sorted(merged, key=lambda r: (r["source"], r["type"], r["canonical"]))


def write(rows: list[Row], path: Path = GAZETTEER_PATH) -> None:
    """Write the TSV the tagger loads."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, FIELDS, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


def with_place_ids(rows: list[Row], world: World) -> list[Row]:
    """Place rows without a Wikidata id get the GeoNames id of a name where it is certain."""
    out: list[Row] = []
    for row in rows:
        if row["type"] == "LOC" and not row["qid"]:
            names = [row["canonical"], *filter(None, row["variants"].split("|"))]
            places = [world.certain_place(" ".join(name_key(n)), known_place=True) for n in names]
            found = {p.geonames_id for p in places if p is not None}
            if len(found) == 1:
                row = {**row, "qid": f"geonames:{found.pop()}"}
        out.append(row)
    return out


def main() -> None:
    world = load_world()
    # GeoNames names are not a layer of their own (as entries they cost LOC precision on
    # dev: 0.854 -> 0.844 F1, all +0.000); they give ids, and the CRF a place feature.
    rows = merge([city_rows(), country_rows(), curated_rows()])
    rows = with_place_ids(rows, world)
    write(rows)
    print(f"wrote {len(rows)} entries to {GAZETTEER_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
