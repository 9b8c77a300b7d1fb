"""News structure: datelines, a standfirst repeated behind one, sign-offs, flattened lists.

On the project's own test articles (tests/data/articles, written for these tests) and on
short inline cases, with hard negatives that only look like the patterns.
"""

from __future__ import annotations

import pytest

from akhbar.core.agencies import find_agency
from akhbar.core.clean import CleanResult, clean_article
from akhbar.core.lead import find_dateline
from akhbar.core.repair import repair_text
from tests.support.corpus import STRUCTURE_ARTICLES, structure_article

ARTICLES = STRUCTURE_ARTICLES

# file stem -> (removed kinds, dateline text, place, agency canonical, signoff)
EXPECTED: dict[str, tuple[dict[str, int], str | None, str | None, str | None, str | None]] = {
    "aswan-dam": ({"standfirst_repeat": 1, "initials_signoff": 1}, "أسوان (أ ش أ) -",
                  "أسوان", "وكالة أنباء الشرق الأوسط", "م. ع"),
    "tripoli-port": ({"related_inline": 1}, "طرابلس - (وكالات) -", "طرابلس", "وكالات", None),
    "kuwait-budget": ({"agency_signoff": 1}, "الكويت - كونا:", "الكويت",
                      "وكالة الأنباء الكويتية", "كونا"),
    "amman-water": ({"initials_signoff": 1}, 'عمّان ـ "الغد"', "عمّان", "الغد", "ر. ت/م. ع"),
    "mosul-bridge": ({"related_inline": 1}, "الموصل (نينوى نيوز)-", "الموصل", "نينوى نيوز",
                     None),
    "doha-summit": ({"agency_signoff": 1, "initials_signoff": 1}, "الدوحة - قنا:", "الدوحة",
                    "وكالة الأنباء القطرية", "(أ ف ب) ع. ع"),
    "plain-library": ({}, None, None, None, None),
    # Hard negatives: prose shaped like a dateline, an agency inside sentences (also in
    # brackets at the very end of an open sentence), a story ending with a real list.
    "neg-jerusalem-prose": ({}, None, None, None, None),
    "neg-government-prose": ({}, None, None, None, None),
    "neg-list-ending": ({}, None, None, None, None),
    # A standfirst that summarises instead of repeating stays; the dateline is then in
    # the second paragraph.
    "neg-standfirst-summary": ({"agency_signoff": 1}, "الدار البيضاء (رويترز) -",
                               "الدار البيضاء", "رويترز", "(رويترز)"),
}


def _clean(stem: str) -> CleanResult:
    title, body = structure_article(stem)
    return clean_article(title=title, body=body)


def test_every_test_article_has_an_expectation() -> None:
    assert sorted(p.stem for p in ARTICLES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_removed_dateline_and_signoff(stem: str) -> None:
    removed, text, place, agency, signoff = EXPECTED[stem]
    result = _clean(stem)
    assert result.removed == removed
    assert result.signoff == signoff
    dateline = result.dateline
    if text is None:
        assert dateline is None
        return
    assert dateline is not None
    assert (dateline.text, dateline.place.text, dateline.agency.canonical) == (text, place, agency)
    assert result.text[dateline.start : dateline.end] == dateline.text
    for part in (dateline.place, dateline.agency):
        assert result.text[part.start : part.end] == part.text
        assert dateline.start <= part.start < part.end <= dateline.end


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_cleaning_a_cleaned_article_changes_nothing(stem: str) -> None:
    first = _clean(stem)
    second = clean_article(title=first.title, body=first.text)
    assert (second.text, second.dateline, second.removed) == (first.text, first.dateline, {})


def test_the_standfirst_goes_and_the_dated_lead_stays() -> None:
    result = _clean("aswan-dam")
    summary = structure_article("aswan-dam")[1].split("\n\n")[0]
    assert result.text.startswith("أسوان (أ ش أ) - " + summary)
    assert result.text.count(summary) == 1


def test_the_summary_standfirst_is_kept_before_its_dated_lead() -> None:
    result = _clean("neg-standfirst-summary")
    first, second = result.text.split("\n\n")[:2]
    assert first.startswith("يخطط المغرب") and second.startswith("الدار البيضاء (رويترز) -")
    assert result.dateline is not None and result.dateline.start == len(first) + 2


def test_a_hard_wrapped_standfirst_is_still_a_repeat() -> None:
    standfirst = "أعلنت الحكومة خطة جديدة لدعم المزارعين\nفي المناطق المتضررة من الجفاف."
    lead = ("بغداد (رويترز) - أعلنت الحكومة خطة جديدة لدعم المزارعين في المناطق المتضررة "
            "من الجفاف. وقال وزير الزراعة إن التمويل سيصرف خلال شهر.")
    result = clean_article(title="", body=f"{standfirst}\n\n{lead}")
    assert result.text == lead and result.removed == {"standfirst_repeat": 1}


def test_a_dateline_alone_on_its_line_leads_the_next_paragraph() -> None:
    result = _clean("amman-water")
    assert result.text.startswith('عمّان ـ "الغد" أطلقت وزارة المياه')


def test_the_related_list_leaves_and_the_story_end_stays() -> None:
    result = _clean("mosul-bridge")
    assert result.text.endswith("وأن كلفته بلغت نحو أربعين مليون دولار.")
    assert "أخبار ذات صلة" not in result.text and "مطار الموصل" not in result.text


@pytest.mark.parametrize("line", [
    "القاهرة (رويترز) - قال مسؤول إن المحادثات ستبدأ غدا.",
    "دمشق - (وكالات) - قال مسؤول إن المحادثات ستبدأ غدا.",
    "القاهرة - أ ش أ: قال مسؤول إن المحادثات ستبدأ غدا.",
    "القاهرة - أ. ش. أ: قال مسؤول إن المحادثات ستبدأ غدا.",
    "بيروت ـ «النهار» قال مسؤول إن المحادثات ستبدأ غدا.",
    "عمان - بترا - قال مسؤول إن المحادثات ستبدأ غدا.",
    "رام الله (وفا)- قال مسؤول إن المحادثات ستبدأ غدا.",
    "PARIS (AFP) - قال مسؤول إن المحادثات ستبدأ غدا.",
    "بَغْداد (أ ف ب) - قال مسؤول إن المحادثات ستبدأ غدا.",
])
def test_dateline_shapes(line: str) -> None:
    found = find_dateline(repair_text(line, {}))
    assert found is not None
    assert found.text.rstrip(" -:") in line.replace("«", '"').replace("»", '"')
    assert repair_text(line, {})[found.end :].strip().startswith("قال مسؤول")


@pytest.mark.parametrize("line", [
    "القدس - مدينة الأسوار - تستعد لموسم سياحي جديد.",  # bare words after a dash
    "الحكومة (المستقيلة) - وفق الدستور - تواصل عملها.",  # a bracket then a dashed aside
    "ونقلت وكالة الأنباء (واس) أن المحادثات ستبدأ غدا.",  # an agency inside a sentence
    "القمة (التي تستضيفها الرياض) - تبدأ غدا.",  # a bracket holding a clause
    "واشنطن (2024) - عام الانتخابات.",  # numbers are not an agency
    "أولاً - تعزيز التعاون الاقتصادي بين البلدين.",  # an enumeration
])
def test_prose_that_looks_like_a_dateline_is_not_one(line: str) -> None:
    assert find_dateline(repair_text(line, {})) is None
    assert clean_article(title="", body=line).dateline is None


BODY = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في جنيف بحضور جميع الوفود."


@pytest.mark.parametrize(("tail", "kind", "signoff"), [
    ("\n\n(أ ف ب)", "agency_signoff", "(أ ف ب)"),
    (" (أ ف ب)", "agency_signoff", "(أ ف ب)"),
    (" - (شفق نيوز)", "agency_signoff", "(شفق نيوز)"),
    ("\n\nرويترز", "agency_signoff", "رويترز"),
    ("\n\nع.م", "initials_signoff", "ع. م"),
    (" ر.ت/م.ع", "initials_signoff", "ر. ت/م. ع"),
    ("\n\n(ع.م)", "initials_signoff", "(ع. م)"),
])
def test_signoffs_are_removed_and_kept_as_data(tail: str, kind: str, signoff: str) -> None:
    result = clean_article(title="", body=BODY + tail)
    assert result.text == BODY and result.removed == {kind: 1} and result.signoff == signoff


@pytest.mark.parametrize("body", [
    BODY[:-1] + " كما ذكرت (رويترز).",  # the bracket ends an open sentence
    "وقالت رويترز إن " + BODY,  # an agency name inside a sentence
    BODY + " وأكد أن الاجتماع سيعقد عام 300 ق.م.",  # an abbreviation, not initials
    BODY + "\n\nوكالة رويترز قالت إن الاجتماع تأجل.",  # a last line that names an agency
])
def test_agency_names_inside_sentences_stay(body: str) -> None:
    result = clean_article(title="", body=body)
    assert result.text == repair_text(body, {}) and result.signoff is None


@pytest.mark.parametrize("tail", [
    " - أخبار متعلقة - الجيش يتقدم في ريف حلب - محادثات جديدة في جنيف",
    " اقرأ أيضا: الجيش يتقدم في ريف حلب - محادثات جديدة في جنيف",
    " اقرأ أيضاً: الجيش يتقدم في ريف حلب",
    " | مواضيع ذات صلة | الجيش يتقدم في ريف حلب | محادثات جديدة في جنيف",
])
def test_flattened_related_list_is_removed(tail: str) -> None:
    result = clean_article(title="", body=BODY + tail)
    assert result.text == BODY and result.removed == {"related_inline": 1}


@pytest.mark.parametrize("body", [
    "وتشمل المرحلة الأولى المحطات التالية: حلب - حمص - حماة - اللاذقية - طرطوس",
    "وحدد البيان ثلاثة محاور - الطاقة - المياه - النقل",
    BODY + " وأضاف أن الأخبار المتعلقة بالهدنة - وهي كثيرة - غير دقيقة",
])
def test_a_story_ending_with_a_real_list_keeps_it(body: str) -> None:
    result = clean_article(title="", body=body)
    assert result.text == body and result.removed == {}


def test_agency_spellings_meet_one_canonical_name() -> None:
    spellings = ["أ ف ب", "ا ف ب", "أ.ف.ب", "فرانس برس", "وكالة الصحافة الفرنسية", "AFP", "afp"]
    found = {find_agency(s) for s in spellings}
    assert len(found) == 1
    (afp,) = found
    assert afp is not None and (afp.canonical, afp.qid) == ("فرانس برس", "Q40464")
    assert find_agency("أ ش أ") == find_agency("MENA") != afp
    assert find_agency("الحكومة") is None


def test_a_flattened_list_broken_by_a_hard_wrap_is_removed_whole() -> None:
    body = BODY + " - أخبار ذات صلة - الجيش يتقدم في ريف حلب \n- محادثات جديدة في جنيف"
    result = clean_article(title="", body=body)
    assert result.text == BODY and result.removed == {"related_inline": 1}


def test_a_bulleted_list_ending_the_story_keeps_its_lines() -> None:
    body = BODY + "\n- البند الأول من الخطة\n- البند الثاني من الخطة"
    assert clean_article(title="", body=body).text == body.replace("\n-", "\n\n-")
