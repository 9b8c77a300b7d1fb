"""Behaviour of the Deduper: verdicts, re-deliveries, the window, restarts and stored state."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from akhbar.core.dedup import ALGORITHM_VERSION, Deduper, Verdict, content_hash
from akhbar.core.errors import ConfigError
from akhbar.core.normalize import match_form

_VOCAB = ("الحكومة وزير الخارجية المعارضة السورية محادثات جنيف روسيا الأمم المتحدة مبعوث "
         "الرئيس اجتماع بيان مسؤول الأسبوع المقبل قرار مجلس الأمن اتفاق وقف إطلاق النار "
         "مساعدات اللاجئين مؤتمر دولي العاصمة الجيش القوات المدينة الشمال الجنوب")
WORDS = _VOCAB.split()


def article(seed: int, words: int = 200) -> str:
    rng = random.Random(seed)
    return match_form(" ".join(rng.choice(WORDS) for _ in range(words)))


def edited(text: str, every: int = 40) -> str:
    """Replace one word in ``every``: a near-duplicate with Jaccard around 0.85-0.9."""
    words = text.split()
    return " ".join("تعديل" if i % every == 7 else w for i, w in enumerate(words))


def make(**options: Any) -> tuple[Deduper, dict[str, Any]]:
    signatures: dict[str, Any] = {}
    return Deduper(signatures=signatures, **options), signatures


def test_content_hash_is_128_bit_hex_and_tracks_the_text() -> None:
    digest = content_hash(article(1))
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert digest == content_hash(article(1))
    assert digest != content_hash(article(2))


def test_algorithm_version_names_the_sketch_parameters() -> None:
    assert "rensa0.5.0" in ALGORITHM_VERSION and "p128" in ALGORITHM_VERSION
    assert "w3" in ALGORITHM_VERSION


def test_first_seen_is_unique_and_copies_point_to_it() -> None:
    deduper, _ = make()
    text = article(1)
    assert deduper.check("a", text, 0.0) == Verdict("unique", None, None)
    assert deduper.check("b", text, 1.0) == Verdict("exact", "a", 1.0)
    near = deduper.check("c", edited(text), 2.0)
    assert near.status == "near" and near.duplicate_of == "a"
    assert near.similarity is not None and 0.8 <= near.similarity < 1.0
    assert deduper.check("d", article(2), 3.0).status == "unique"


def test_every_verdict_carries_the_content_hash_of_its_text() -> None:
    deduper, signatures = make()
    text = article(1)
    verdicts = [deduper.check("a", text, 0.0), deduper.check("b", text, 1.0),
                deduper.check("a", text, 2.0)]
    assert [v.status for v in verdicts] == ["unique", "exact", "unique"]
    assert {v.content_hash for v in verdicts} == {content_hash(text)} == {
        entry["hash"] for entry in signatures.values()}
    near = deduper.check("c", edited(text), 3.0)
    assert near.status == "near" and near.content_hash == content_hash(edited(text))


def test_only_unique_articles_are_stored() -> None:
    deduper, signatures = make()
    text = article(1)
    for i, variant in enumerate([text, text, edited(text), article(2)]):
        deduper.check(f"id{i}", variant, float(i))
    assert set(signatures) == {"id0", "id3"}
    assert signatures["id0"]["hash"] == content_hash(text)


def test_redelivered_original_is_not_its_own_duplicate() -> None:
    deduper, _ = make()
    text = article(1)
    deduper.check("a", text, 0.0)
    assert deduper.check("a", text, 5.0).status == "unique"


def test_same_id_with_edited_text_does_not_match_itself() -> None:
    deduper, signatures = make()
    deduper.check("a", article(1), 0.0)
    assert deduper.check("a", edited(article(1)), 5.0).status == "unique"
    assert signatures["a"]["ts"] == 5.0
    assert deduper.indexed_count() == 1


def test_redelivered_duplicate_points_to_the_same_original() -> None:
    deduper, _ = make()
    deduper.check("a", article(1), 0.0)
    first = deduper.check("b", edited(article(1)), 1.0)
    assert deduper.check("b", edited(article(1)), 2.0) == first


def test_entries_older_than_the_window_no_longer_match() -> None:
    deduper, _ = make(window_seconds=100.0)
    deduper.check("a", article(1), 0.0)
    assert deduper.check("b", article(1), 150.0) == Verdict("unique", None, None)
    assert deduper.check("c", edited(article(1)), 160.0).duplicate_of == "b"


def test_expire_empties_both_mappings_and_the_buckets() -> None:
    deduper, signatures = make(window_seconds=100.0)
    for i in range(10):
        deduper.check(f"old{i}", article(i), float(i))
    deduper.check("new", article(99), 150.0)
    assert deduper.expire(160.0) == 10
    assert set(signatures) == {"new"}
    assert deduper.indexed_count() == 1
    assert deduper.check("again", edited(article(3)), 170.0).status == "unique"
    assert deduper.check("copy", article(3), 171.0).duplicate_of == "again"  # not old3
    assert deduper.expire(160.0) == 0


def test_restart_rebuilds_the_index_from_json_round_tripped_state() -> None:
    deduper, signatures = make()
    for i in range(20):
        deduper.check(f"id{i}", article(i), float(i))
    deduper.check("short", "", 20.0)  # no words: no sketch, but its hash is kept
    restarted = Deduper(signatures=json.loads(json.dumps(signatures)))
    assert restarted.check("copy", article(4), 30.0) == Verdict("exact", "id4", 1.0)
    assert restarted.check("near", edited(article(5)), 31.0).duplicate_of == "id5"
    assert restarted.indexed_count() == 20
    assert restarted.check("short-copy", "", 32.0) == Verdict("exact", "short", 1.0)


def test_signatures_of_another_algorithm_are_left_out_of_the_index() -> None:
    deduper, signatures = make()
    deduper.check("a", article(1), 0.0)
    signatures["a"]["algo"] = "minhash-something-else"
    restarted = Deduper(signatures=signatures)
    assert restarted.indexed_count() == 0
    assert restarted.check("b", edited(article(1)), 1.0).status == "unique"
    assert restarted.check("c", article(1), 2.0).duplicate_of == "a"  # its hash still counts
    assert restarted.expire(10 * 86400.0) == 2  # a (old algorithm) and b
    assert signatures == {}


def test_stored_values_are_plain_json_types() -> None:
    deduper, signatures = make()
    deduper.check("a", article(1), 0.0)
    entry = signatures["a"]
    assert entry["algo"] == ALGORITHM_VERSION and isinstance(entry["sig"], list)
    assert len(entry["sig"]) == 128 and all(type(v) is int for v in entry["sig"])
    assert json.loads(json.dumps(signatures)) == signatures


def test_text_without_words_is_only_matched_exactly() -> None:
    deduper, signatures = make()
    assert deduper.check("a", "", 0.0).status == "unique"
    assert deduper.check("b", "", 1.0) == Verdict("exact", "a", 1.0)
    assert signatures["a"]["sig"] is None and deduper.indexed_count() == 0


def test_different_stories_sharing_names_stay_unique() -> None:
    deduper, _ = make()
    names = "بشار الأسد ستافان دي ميستورا جنيف موسكو"
    assert deduper.check("a", match_form(f"{names} {article(1, 150)}"), 0.0).status == "unique"
    assert deduper.check("b", match_form(f"{names} {article(2, 150)}"), 1.0).status == "unique"


def test_bands_must_divide_the_permutations() -> None:
    with pytest.raises(ConfigError, match="multiple of bands"):
        make(num_perm=128, bands=12)


def test_known_id_whose_new_text_copies_another_keeps_its_stored_state() -> None:
    deduper, signatures = make()
    deduper.check("a", article(1), 0.0)
    deduper.check("b", article(2), 1.0)
    stored = dict(signatures["a"])
    verdict = deduper.check("a", edited(article(2)), 2.0)
    assert verdict.status == "near" and verdict.duplicate_of == "b"
    assert signatures["a"] == stored and deduper.indexed_count() == 2
    assert deduper.check("c", edited(article(1), every=50), 3.0).duplicate_of == "a"


def test_an_id_sent_again_with_other_text_forgets_its_old_text() -> None:
    deduper, signatures = make()
    deduper.check("a", article(1), 0.0)
    deduper.check("a", article(2), 1.0)  # the same id, another story
    assert deduper.check("b", article(1), 2.0).status == "unique"
    assert deduper.indexed_count() == 2
    deduper.check("a", "", 3.0)  # and again, with no words at all
    assert deduper.indexed_count() == 1 and signatures["a"]["sig"] is None
    assert deduper.check("c", article(2), 4.0).status == "unique"


def test_original_plus_extra_material_is_near_by_containment() -> None:
    """A fifth more text and a few words edited push Jaccard under 0.8; the original is
    still mostly inside the copy."""
    text = article(1, words=300)
    extra = f"{edited(text, every=60)} {article(99, words=60)}"
    deduper, signatures = make()
    deduper.check("a", text, 0.0)
    verdict = deduper.check("b", extra, 1.0)
    assert verdict.status == "near" and verdict.duplicate_of == "a"
    assert verdict.similarity is not None and verdict.similarity < 0.8  # Jaccard, reported
    assert signatures["a"]["n"] > 250  # distinct shingles stored with the signature
    jaccard_only, _ = make(containment=None)
    jaccard_only.check("a", text, 0.0)
    assert jaccard_only.check("b", extra, 1.0).status == "unique"


def test_full_story_after_its_brief_is_not_a_duplicate() -> None:
    brief = article(2, words=60)
    story = f"{brief} {article(3, words=300)}"  # contains the brief whole, five times longer
    deduper, _ = make()
    deduper.check("brief", brief, 0.0)
    assert deduper.check("story", story, 1.0).status == "unique"


def test_entries_stored_without_a_size_are_matched_by_jaccard_only() -> None:
    text = article(4, words=300)
    deduper, signatures = make()
    deduper.check("a", text, 0.0)
    old = {k: v for k, v in signatures["a"].items() if k != "n"}  # an older worker's entry
    restarted = Deduper(signatures={"a": old})
    copy = f"{edited(text, every=60)} {article(98, words=60)}"
    assert restarted.check("b", copy, 1.0).status == "unique"
    assert deduper.check("b", copy, 1.0).duplicate_of == "a"
    assert restarted.check("c", edited(text), 2.0).duplicate_of == "a"
