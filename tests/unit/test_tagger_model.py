"""The shipped model and gazetteer load; the CRF finds names the gazetteer lacks."""

from __future__ import annotations

import akhbar.tagger
from akhbar.tagger import Tagger, default_tagger
from akhbar.tagger.gazetteer import GAZETTEER_PATH, load_gazetteer
from akhbar.tagger.model import MODEL_PATH, CrfModel


def test_public_surface() -> None:
    assert set(akhbar.tagger.__all__) == {
        "Entity", "EntitySource", "EntityType", "Tagger", "default_tagger",
    }


def test_model_and_gazetteer_files_load() -> None:
    assert MODEL_PATH.stat().st_size < 5_000_000
    assert len(CrfModel().predict([["bias", "w=قال"]])) == 1
    assert len(load_gazetteer(GAZETTEER_PATH)) > 500


def test_default_tagger_is_cached() -> None:
    assert default_tagger() is default_tagger()
    assert Tagger.load() is default_tagger()


def test_unknown_person_after_president_title() -> None:
    display = "وقال الرئيس كوامي نكروما في مؤتمر صحفي إن الحكومة ستواصل الإصلاحات"
    people = [e for e in default_tagger().tag(display) if e.type == "PER"]
    assert [(p.text, p.source) for p in people] == [("كوامي نكروما", "model")]


def test_propagation_tags_later_mentions_of_a_found_name() -> None:
    display = (
        "وقال وزير الخارجية يوهان سيمبسكي إن بلاده تدعم الحل. "
        "وأضاف سيمبسكي أن المحادثات صعبة."
    )
    entities = [e for e in default_tagger().tag(display) if e.type == "PER"]
    assert [e.text for e in entities] == ["يوهان سيمبسكي", "سيمبسكي"]
    assert entities[1].canonical == entities[0].canonical == "يوهان سيمبسكي"
