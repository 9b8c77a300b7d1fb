"""Knowledge files: how they are built from the registry packages, and what they mean."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from akhbar.core.normalize import match_form
from akhbar.tagger.gazetteer import Gazetteer
from akhbar.tagger.knowledge import (
    EMPTY_WORLD,
    TOPIC_WINDOW,
    Place,
    World,
    load_world,
    read_places,
)
from akhbar.tagger.training.build_knowledge import arabic_only, full_names, name_parts, word_freq


def test_only_the_arabic_alphabet_proper_passes() -> None:
    assert arabic_only("مُحَمَّد") == "محمد"  # diacritics go
    assert arabic_only("عبد  الله") == "عبد الله"
    for persian_or_urdu in ("پرویز", "گلستان", "کریم", "ژاله", "چمران", "لاہور", "بھٹو"):
        assert arabic_only(persian_or_urdu) is None, persian_or_urdu
    assert arabic_only("Ali") is None and arabic_only("") is None


def _names_db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("create table units (arabic_key, country, role)")
    db.execute("create table full_names (arabic_key, country)")
    db.executemany(
        "insert into units values (?, ?, ?)",
        [
            ("حسن", "EG", "given"),
            ("حسن", "SY", "surname"),
            ("الخطيب", "LB", "surname"),
            ("رضایی", "IR", "surname"),  # Persian yeh
            ("رضائي", "IR", "surname"),  # Iranian row in Arabic letters: still left out
            ("منصور", "PK", "given"),
            ("زيد", "JO", "unknown"),
        ],
    )
    db.executemany(
        "insert into full_names values (?, ?)",
        [("حسن الخطيب", "LB"), ("علي", "EG"), ("علي رضائي", "IR"), ("ابو بكر الصديق", "SA")],
    )
    return db


def test_name_parts_keep_roles_and_leave_out_iran_and_pakistan() -> None:
    parts = name_parts(_names_db())
    assert parts == {"حسن": "gs", "الخطيب": "s"}


def test_full_names_are_two_words_or_more_outside_iran_and_pakistan() -> None:
    assert full_names(_names_db()) == {"حسن الخطيب", "ابو بكر الصديق"}


def test_frequency_buckets_are_half_zipf_and_the_commonest_spelling_wins() -> None:
    bins: list[list[str]] = [[] for _ in range(701)]
    bins[300] = ["قال"]  # 10^-3: Zipf 6
    bins[500] = ["أحمد", "hello"]  # Zipf 4
    bins[600] = ["احمد"]  # same match form, rarer spelling
    freq = word_freq(bins)
    assert freq == {"قال": 12, "احمد": 8}


def test_places_point_at_the_most_populous_namesake(tmp_path: Path) -> None:
    path = tmp_path / "places.tsv"
    path.write_text(
        "طرابلس\tطرابلس\t2210247\t1150989\tLY\n"
        "طرابلس\tطرابلس\t266826\t229398\tLB\n"
        "الموصل\tالموصل\t99072\t1739800\tIQ\n",
        encoding="utf-8",
    )
    places = read_places(path)
    assert places["طرابلس"] == Place(2210247, 1150989, "LY", "طرابلس", runner_up=229398)
    world = World({}, {}, frozenset(), Gazetteer(()), Gazetteer(()), places)
    assert world.certain_place("الموصل") == places["الموصل"]
    # Tripoli, Libya has five times Tripoli, Lebanon's people: not ten, so no id
    assert world.certain_place("طرابلس", known_place=True) is None


def test_an_everyday_word_or_a_name_part_is_no_certain_place_unless_known_as_one() -> None:
    place = Place(1, 500_000, "EG", "العمارة")
    world = World(
        {"جمال": "g"},
        {"العماره": 9},
        frozenset(),
        Gazetteer(()),
        Gazetteer(()),
        {"العماره": place, "جمال": place},
    )
    assert world.certain_place("العماره") is None
    assert world.certain_place("جمال") is None
    assert world.certain_place("العماره", known_place=True) == place


def test_topic_labels_mark_tokens_near_a_topic_word() -> None:
    world = World({}, {}, frozenset(), Gazetteer(()), Gazetteer(()), {}, {"مباراه": "sport"})
    words = ["x"] * (3 * TOPIC_WINDOW) + ["مباراه"] + ["y"] * (3 * TOPIC_WINDOW)
    labels = world.topic_labels(words)
    at = 3 * TOPIC_WINDOW
    assert labels[at] == labels[at - TOPIC_WINDOW] == labels[at + TOPIC_WINDOW] == "sport"
    assert labels[at - TOPIC_WINDOW - 1] == labels[at + TOPIC_WINDOW + 1] == ""
    assert EMPTY_WORLD.topic_labels(words) == [""] * len(words)


def test_shipped_knowledge_files_load_and_hold_what_they_claim() -> None:
    world = load_world()
    assert len(world.parts) > 10_000 and len(world.freq) > 100_000
    assert world.parts[match_form("محمد")] in ("g", "gs")
    assert world.freq[match_form("قال")] > world.freq.get(match_form("بوتفليقة"), 0)
    assert match_form("وزارة") in world.org_heads
    baghdad = world.certain_place(match_form("بغداد"), known_place=True)
    assert baghdad is not None and baghdad.country == "IQ"
    assert world.full_names.find(match_form("قال حسني مبارك امس").split())
    persian = ("پ", "چ", "ژ", "گ", "ک", "ی", "ھ", "ہ")
    assert not any(ch in name for name in world.parts for ch in persian)


@pytest.mark.parametrize("word", ["بغداد", "القاهرة"])
def test_a_model_place_gets_its_geonames_id_and_spelling(word: str) -> None:
    """With no gazetteer the CRF alone finds the city; GeoNames gives the identity."""
    from akhbar.tagger import default_tagger
    from akhbar.tagger.features import Knowledge
    from akhbar.tagger.tagger import Tagger

    shipped = default_tagger()
    knowledge = Knowledge(Gazetteer(()), shipped.knowledge.lexicon)
    tagger = Tagger(knowledge, shipped.model)
    (entity,) = [e for e in tagger.tag(f"وصل الوفد إلى {word} أمس") if e.text == word]
    assert entity.source == "model" and entity.type == "LOC"
    assert entity.id is not None and entity.id.startswith("geonames:")
