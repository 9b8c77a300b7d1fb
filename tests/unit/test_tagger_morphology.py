"""Arabic morphology: proclitics, nisba adjectives, spelling variants."""

from __future__ import annotations

import pytest

from akhbar.tagger import Entity, Tagger, default_tagger
from akhbar.tagger.tokens import clitic_readings, clitic_spellings, strip_article


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return default_tagger()


def _find(entities: list[Entity], canonical: str) -> Entity:
    matches = [e for e in entities if e.canonical == canonical]
    assert matches, f"{canonical} not in {[e.canonical for e in entities]}"
    return matches[0]


@pytest.mark.parametrize(
    ("word", "surface", "canonical"),
    [
        ("ولبنان", "لبنان", "لبنان"),
        ("بالعراق", "العراق", "العراق"),
        ("والسعودية", "السعودية", "السعودية"),
        ("وبروسيا", "روسيا", "روسيا"),
        ("فسوريا", "سوريا", "سوريا"),
        ("للعراق", "عراق", "العراق"),
    ],
)
def test_proclitics_are_outside_the_span(
    tagger: Tagger, word: str, surface: str, canonical: str
) -> None:
    display = f"وتحدث المسؤول عن العلاقات {word} أمس"
    entity = _find(tagger.tag(display), canonical)
    assert entity.text == surface
    assert display[entity.start - 1] != " "  # the clitic sits just before the span


def test_lil_article_keeps_canonical_name(tagger: Tagger) -> None:
    display = "وجه المبعوث رسالة للأمم المتحدة يوم الاثنين"
    entity = _find(tagger.tag(display), "الأمم المتحدة")
    assert entity.text == "أمم المتحدة"
    assert entity.id == "Q1065"


def test_names_starting_with_clitic_letters_stay_whole(tagger: Tagger) -> None:
    display = "وصل توني بلير إلى واشنطن صباح اليوم"
    entities = tagger.tag(display)
    assert _find(entities, "واشنطن").text == "واشنطن"
    assert _find(entities, "توني بلير").text == "توني بلير"


def test_nisba_alone_is_not_a_place(tagger: Tagger) -> None:
    display = "قال المسؤول السوري إن الوفد الروسي والجانب الأمريكي اتفقوا"
    assert [e for e in tagger.tag(display) if e.type == "LOC"] == []


def test_nisba_inside_a_name_is_kept(tagger: Tagger) -> None:
    display = "أعلنت الجمهورية العربية السورية موقفها"
    entity = _find(tagger.tag(display), "سوريا")
    assert entity.text == "الجمهورية العربية السورية"


@pytest.mark.parametrize(
    "spelling", ["ستافان دي ميستورا", "ستيفان دي ميستورا", "ستيفان ديمستورا", "دي مستورا"]
)
def test_envoy_spellings_meet(tagger: Tagger, spelling: str) -> None:
    entities = tagger.tag(f"قال المبعوث الدولي {spelling} إن المحادثات ستبدأ")
    assert _find(entities, "ستافان دي ميستورا").text == spelling


@pytest.mark.parametrize("spelling", ["أستانة", "أستانا", "الأستانة", "استانا"])
def test_astana_spellings_meet(tagger: Tagger, spelling: str) -> None:
    entities = tagger.tag(f"تعقد المحادثات في {spelling} الأسبوع المقبل")
    entity = _find(entities, "أستانة")
    assert (entity.text, entity.id, entity.type) == (spelling, "Q1520", "LOC")


def test_clitic_readings_and_stem() -> None:
    assert clitic_readings("واشنطن")[0] == (0, "واشنطن")
    assert (2, "العراق") in clitic_readings("للعراق")
    assert strip_article("والسعوديه") == "سعوديه"
    assert strip_article("واشنطن") == "واشنطن"


def test_clitic_spellings_invert_the_readings() -> None:
    """Propagation counts a name's occurrences through its spellings: every word one of
    whose readings is the name must be among them."""
    from akhbar.core.normalize import match_form
    from tests.support.corpus import anercorp_sentences

    words = {match_form(w) for s in anercorp_sentences()[:1500] for w in s.split()}
    missed = [(w, form) for w in words for _, form in clitic_readings(w)
              if w not in set(clitic_spellings(form))]
    assert len(words) > 5000
    assert missed == []


def test_a_bare_clitic_does_not_hide_a_known_name_word_from_the_features() -> None:
    from akhbar.core.normalize import match_form
    from akhbar.tagger.features import word_facts
    from akhbar.tagger.gazetteer import GazEntry, Gazetteer
    from akhbar.tagger.lexicon import EMPTY_STATS, build_lexicon

    names = Gazetteer([GazEntry("سيرغي لافروف", "PER", None, ())])
    lexicon = build_lexicon(names, corpus=EMPTY_STATS)
    facts = {w: word_facts(match_form(w), lexicon) for w in ("ومايكل", "مايكل", "ولافروف")}
    assert facts["مايكل"].given == "fn"
    assert facts["ومايكل"].given == "cfn"  # marked apart: و + a given name
    assert facts["ولافروف"].name_type == "cPER"
    plain = word_facts(match_form("واشنطن"), lexicon)  # no given name or name word behind و
    assert (plain.given, plain.name_type) == ("", "")


def test_the_word_behind_a_bare_clitic_brings_its_corpus_counts() -> None:
    from akhbar.core.normalize import match_form
    from akhbar.tagger.features import word_facts
    from akhbar.tagger.lexicon import EMPTY_LEXICON, NOT_READ, CorpusStats

    lexicon = EMPTY_LEXICON.with_corpus(CorpusStats({"هاموند": (5, 0, 0, 0)}))
    facts = word_facts(match_form("وهاموند"), lexicon)
    assert facts.behind == "هاموند" and facts.seen_behind.per == "hi"
    assert facts.seen.outside == "unseen"  # the whole word was never seen
    no_clitic = word_facts(match_form("هاموند"), lexicon)
    assert (no_clitic.behind, no_clitic.seen_behind) == ("", NOT_READ)
    article = word_facts(match_form("والرئيس"), lexicon)  # و + ال: the stem covers it
    assert article.behind == ""


def test_a_clitic_before_a_given_name_keeps_it_in_the_person(tagger: Tagger) -> None:
    text = "التقى الوزير آن باترسون ومايكل ريتني في الرياض."
    names = {e.text for e in tagger.tag(text) if e.type == "PER"}
    assert "مايكل ريتني" in names


@pytest.mark.parametrize(
    ("word", "skip"),
    [
        ("كريم", 0),  # a given name, though ريم (ك + ريم) is one too
        ("بشار", 0),  # not ب + شار
        ("وليد", 0),  # not و + ليد
        ("لبنان", 0),  # not ل + بنان
        ("بكر", 0),
        ("فهد", 0),
        ("ولبنان", 1),  # و + a known name
        ("وكريم", 1),
        ("بالعراق", 1),  # ب + the article reading
    ],
)
def test_a_word_that_is_itself_a_known_name_keeps_its_letters(
    tagger: Tagger, word: str, skip: int
) -> None:
    from akhbar.core.normalize import match_form
    from akhbar.tagger.pipeline import _clitic_skip, make_doc

    doc = make_doc([match_form(word)], tagger.knowledge)
    assert _clitic_skip(match_form(word), doc) == skip


@pytest.mark.parametrize("name", ["كريم العبيدي", "كريم فؤاد"])
def test_a_given_name_starting_with_a_clitic_letter_is_tagged_whole(
    tagger: Tagger, name: str
) -> None:
    display = f"وقال الكاتب {name} إن الوضع صعب"
    persons = [e for e in tagger.tag(display) if e.type == "PER"]
    assert [(e.text, e.canonical) for e in persons] == [(name, name)]
