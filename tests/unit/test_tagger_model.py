"""The shipped model and gazetteer load; the CRF finds names the gazetteer lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.core.errors import DataFileCorrupt
from akhbar.tagger import Tagger, default_tagger
from akhbar.tagger.crfsuite_file import read_weights
from akhbar.tagger.gazetteer import GAZETTEER_PATH, load_gazetteer, name_key, read_entries
from akhbar.tagger.model import MODEL_PATH, CrfModel


def test_model_and_gazetteer_files_load() -> None:
    assert MODEL_PATH.stat().st_size < 5_000_000
    assert len(CrfModel().predict([["bias", "w=قال"]])) == 1
    assert len(load_gazetteer(GAZETTEER_PATH)) > 500


def test_default_tagger_is_cached() -> None:
    assert default_tagger() is default_tagger()
    assert Tagger.load() is default_tagger()


UNKNOWN_PEOPLE = [
    "أوليفر تامبو", "ماركوس فيرنر", "كوامي نكروما", "هاكان يلماز", "جوزيف كابيلا", "أمادو توري",
]


def test_unknown_people_after_a_title_are_found_by_the_crf() -> None:
    gazetteer = load_gazetteer()
    found = 0
    for name in UNKNOWN_PEOPLE:
        assert not gazetteer.find(name_key(name)), f"{name} must be unknown to the gazetteer"
        display = f"وقال الرئيس {name} في مؤتمر صحفي إن الحكومة ستواصل الإصلاحات"
        people = [(e.text, e.source) for e in default_tagger().tag(display) if e.type == "PER"]
        found += people == [(name, "model")]
    # Measured recall on such unseen foreign names is about half: a known weakness.
    assert found >= len(UNKNOWN_PEOPLE) // 2, "the CRF should find unseen names after a title"


def test_propagation_tags_later_mentions_of_a_found_name() -> None:
    display = (
        "وقال وزير الخارجية يوهان سيمبسكي إن بلاده تدعم الحل. "
        "وأضاف سيمبسكي أن المحادثات صعبة."
    )
    entities = [e for e in default_tagger().tag(display) if e.type == "PER"]
    assert [e.text for e in entities] == ["يوهان سيمبسكي", "سيمبسكي"]
    assert entities[1].canonical == entities[0].canonical == "يوهان سيمبسكي"


def test_a_corrupt_model_file_is_a_data_file_error(tmp_path: Path) -> None:
    broken = tmp_path / "model.crfsuite"
    broken.write_bytes(MODEL_PATH.read_bytes()[:64].replace(b"lCRF", b"xxxx"))
    with pytest.raises(DataFileCorrupt, match="not a crfsuite CRF1d model"):
        read_weights(broken)


def test_a_gazetteer_row_of_an_unknown_type_is_a_data_file_error(tmp_path: Path) -> None:
    table = tmp_path / "gazetteer.tsv"
    table.write_text("canonical\ttype\tqid\tvariants\tsource\nمصر\tCITY\t\t\ttest\n",
                     encoding="utf-8")
    with pytest.raises(DataFileCorrupt, match="bad entity type 'CITY'"):
        read_entries(table)
