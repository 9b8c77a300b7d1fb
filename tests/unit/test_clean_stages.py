"""Dateline and sign-off as data through the stages: clean writes them, dedup carries
them, tag links the dateline's place; every record stays valid for its schema."""

from __future__ import annotations

from typing import Any

import pytest

from akhbar.core.agencies import _table
from akhbar.core.dedup import Deduper
from akhbar.records import schema_errors
from akhbar.stages import clean_stage, dedup_stage, match_text, tag_stage
from akhbar.tagger import default_tagger
from akhbar.tagger.gazetteer import load_gazetteer, name_key
from tests.support.corpus import structure_article

MAX_BODY = 2_000_000


def _raw(stem: str, article_id: str = "a-1") -> dict[str, Any]:
    title, body = structure_article(stem)
    return {"id": article_id, "url": None, "source": "test", "title": title, "body": body,
            "content_type": "text/plain", "published_at": None}


def test_clean_records_carry_dateline_and_signoff() -> None:
    record = clean_stage(_raw("aswan-dam"), max_body_bytes=MAX_BODY)
    assert schema_errors("clean_article", record) == []
    dateline = record["dateline"]
    assert record["text"][dateline["start"] : dateline["end"]] == dateline["text"]
    assert dateline["agency"] == {"text": "أ ش أ", "start": 7, "end": 12,
                                  "canonical": "وكالة أنباء الشرق الأوسط", "id": None}
    assert dateline["place"]["id"] is None  # linked by the tag stage, not here
    assert record["signoff"] == "م. ع"


def test_clean_records_without_them_say_null() -> None:
    record = clean_stage(_raw("plain-library"), max_body_bytes=MAX_BODY)
    assert record["dateline"] is None and record["signoff"] is None
    assert schema_errors("clean_article", record) == []


@pytest.mark.parametrize("bad", [
    {"text": "x", "start": 0, "end": 1, "place": None, "agency": None},  # a place is required
    {"text": "x", "start": 0, "end": 1},
    "بغداد",
])
def test_schema_rejects_a_malformed_dateline(bad: object) -> None:
    record = clean_stage(_raw("plain-library"), max_body_bytes=MAX_BODY)
    assert schema_errors("clean_article", {**record, "dateline": bad})
    assert schema_errors("clean_article", {**record, "signoff": ""})


def test_dateline_travels_to_enriched_with_its_place_linked() -> None:
    cleaned = clean_stage(_raw("doha-summit"), max_body_bytes=MAX_BODY)
    route, deduped = dedup_stage(Deduper(signatures={}), cleaned, now=1.0)
    assert route == "deduped" and deduped["dateline"] == cleaned["dateline"]
    assert schema_errors("deduped_article", deduped) == []
    enriched = tag_stage(default_tagger(), deduped)
    assert schema_errors("enriched_article", enriched) == []
    place = enriched["dateline"]["place"]
    assert (place["text"], place["canonical"]) == ("الدوحة", "الدوحة")
    assert place["id"] == default_tagger().resolve("الدوحة")[2]  # type: ignore[index]
    assert enriched["signoff"] == cleaned["signoff"] == "(أ ف ب) ع. ع"


def test_an_unknown_place_keeps_its_own_name() -> None:
    raw = {**_raw("plain-library"),
           "body": "كفر السنديان (وكالات) - افتتحت البلدية مكتبة عامة جديدة في وسط البلدة."}
    cleaned = clean_stage(raw, max_body_bytes=MAX_BODY)
    assert default_tagger().resolve("كفر السنديان") is None  # an invented village
    _, deduped = dedup_stage(Deduper(signatures={}), cleaned, now=1.0)
    place = tag_stage(default_tagger(), deduped)["dateline"]["place"]
    assert place == cleaned["dateline"]["place"] == {
        "text": "كفر السنديان", "start": 0, "end": 12, "canonical": "كفر السنديان", "id": None}


def test_the_dedup_match_text_keeps_the_dateline_unless_asked() -> None:
    record = clean_stage(_raw("kuwait-budget"), max_body_bytes=MAX_BODY)
    assert "كونا" in match_text(record)
    assert "كونا" not in match_text(record, with_dateline=False)


def test_agency_ids_agree_with_the_gazetteer() -> None:
    """An agency the gazetteer also knows has the same QID (or the gazetteer has none)."""
    gazetteer = load_gazetteer()
    checked = 0
    for key, agency in _table().items():
        words = name_key(key)
        found = gazetteer.find(words)
        if len(found) == 1 and (found[0].first, found[0].end) == (0, len(words)):
            entry = found[0].entry
            if agency.qid and entry.qid:
                assert agency.qid == entry.qid, (key, agency, entry)
                checked += 1
    assert checked >= 4  # AFP, Reuters, AP, BBC, CNN spellings at least
