"""Tagger.resolve: a whole known gazetteer name -> (type, canonical, id); anything else None."""

from __future__ import annotations

import pytest

from akhbar.tagger import default_tagger
from akhbar.tagger.features import Knowledge
from akhbar.tagger.gazetteer import GazEntry, Gazetteer
from akhbar.tagger.lexicon import EMPTY_LEXICON
from akhbar.tagger.tagger import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    entries = [GazEntry("بغداد", "LOC", "Q1530", ()),
               GazEntry("رام الله", "LOC", None, ()),
               GazEntry("فرانس برس", "ORG", "Q40464", ("أ ف ب",))]
    knowledge = Knowledge(Gazetteer(entries), EMPTY_LEXICON)
    return Tagger(knowledge, model=default_tagger().model)  # resolve uses only the gazetteer


@pytest.mark.parametrize(("name", "expected"), [
    ("بغداد", ("LOC", "بغداد", "Q1530")),
    ("بَغْدَاد", ("LOC", "بغداد", "Q1530")),  # the gazetteer's match form unifies marks
    ("رام الله", ("LOC", "رام الله", None)),
    ("أ ف ب", ("ORG", "فرانس برس", "Q40464")),  # a variant gives the canonical name
])
def test_known_names_resolve(tagger: Tagger, name: str, expected: tuple[str, ...]) -> None:
    assert tagger.resolve(name) == expected


@pytest.mark.parametrize("name", ["", "رام", "وبغداد", "بغداد الجديدة", "مدينة بغداد", "دمشق"])
def test_anything_but_a_whole_known_name_is_none(tagger: Tagger, name: str) -> None:
    assert tagger.resolve(name) is None


def test_the_shipped_tagger_resolves_a_capital() -> None:
    assert default_tagger().resolve("القاهرة") == ("LOC", "القاهرة", "Q85")
