"""clean_article on the three real samples and on synthetic damage applied to them."""

from __future__ import annotations

import random

import pytest

from akhbar.core.clean import CleanResult, clean_article
from akhbar.core.keys import plain_key
from akhbar.core.repair import STRAY_LETTERS
from akhbar.core.structure import MIN_SENTENCE_WORDS, sentence_keys
from tests.support.corpus import sample_texts
from tests.support.variants import orthographic_variant

SAMPLES = dict(sample_texts())
NAMES = sorted(SAMPLES)


def _clean(body: str, title: str = "") -> CleanResult:
    return clean_article(title=title, body=body)


def _paragraphs(result: CleanResult) -> list[str]:
    return result.text.split("\n\n")


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_arabic_and_tidy(name: str) -> None:
    result = _clean(SAMPLES[name])
    assert result.language == "ar"
    assert result.arabic_ratio > 0.9
    assert "\n\n\n" not in result.text
    assert all(p == p.strip() and p for p in _paragraphs(result))
    assert "  " not in result.text
    assert not any(ch in result.text for ch in "“”«»")


@pytest.mark.parametrize("name", NAMES)
def test_sample_has_no_separator_debris(name: str) -> None:
    text = _clean(SAMPLES[name]).text
    for i, ch in enumerate(text):
        if ch in STRAY_LETTERS:  # allowed only inside a word, never after punctuation
            assert i > 0 and text[i - 1].isalpha(), text[max(0, i - 20) : i + 20]


@pytest.mark.parametrize("name", NAMES)
def test_sample_long_sentences_appear_once(name: str) -> None:
    paragraphs = _paragraphs(_clean(SAMPLES[name]))
    keys = [k for _, ks in sentence_keys(paragraphs) for k in ks
            if k.count(" ") + 1 >= MIN_SENTENCE_WORDS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("name", NAMES)
def test_sample_output_is_faithful(name: str) -> None:
    """Every kept sentence is in the original, up to spacing and punctuation."""
    original = plain_key(SAMPLES[name]).replace(" ", "")
    paragraphs = _paragraphs(_clean(SAMPLES[name]))
    for sentences, keys in sentence_keys(paragraphs):
        for sentence, key in zip(sentences, keys, strict=True):
            assert key.replace(" ", "") in original, sentence


@pytest.mark.parametrize("name", NAMES)
def test_sample_removed_counts_are_positive_ints(name: str) -> None:
    result = _clean(SAMPLES[name])
    assert all(isinstance(v, int) and v > 0 for v in result.removed.values())
    assert result.published_at is None


def test_pasted_twice_sample_keeps_each_paragraph_once() -> None:
    """The sample whose lines repeat: output has each distinct long line once."""
    for name, text in SAMPLES.items():
        lines = [line for line in text.split("\n") if len(line.split()) >= 20]
        if len(lines) == len(set(lines)):
            continue
        result = _clean(text)
        for line in set(lines):
            assert result.text.count(line) <= 1, name
        assert result.removed.get("duplicate_paragraphs", 0) >= len(lines) - len(set(lines))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [11, 12])
def test_variant_cleans_to_same_match_form(name: str, seed: int) -> None:
    from akhbar.core.normalize import match_form

    original = _clean(SAMPLES[name])
    variant = _clean(orthographic_variant(SAMPLES[name], seed))
    assert match_form(variant.text) == match_form(original.text)
    assert variant.removed == original.removed


def _base(name: str) -> CleanResult:
    return _clean(SAMPLES[name])


@pytest.mark.parametrize("name", NAMES)
def test_doubled_paragraph_with_variant_spelling_is_dropped(name: str) -> None:
    base = _base(name)
    paragraphs = _paragraphs(base)
    rng = random.Random(name)
    long = [p for p in paragraphs if len(p.split()) >= 12]
    copy = orthographic_variant(rng.choice(long), seed=3)
    damaged = base.text + "\n\n" + copy
    result = _clean(damaged)
    assert result.text == base.text
    assert result.removed.get("duplicate_paragraphs", 0) >= 1


@pytest.mark.parametrize("name", NAMES)
def test_article_pasted_twice_with_other_breaks_is_kept_once(name: str) -> None:
    base = _base(name)
    rebroken = " ".join(_paragraphs(base))  # same text, one paragraph
    result = _clean(base.text + "\n\n" + rebroken)
    assert result.text == base.text
    assert result.removed.get("repeated_article") == 1


RELATED_BLOCKS = [
    "أخبار ذات صلة\nالجيش يتقدم في ريف حلب\nمحادثات جديدة في جنيف الأسبوع المقبل",
    "اقرأ أيضاً:\nوزير الخارجية يزور موسكو\nالأمم المتحدة تحذر من أزمة إنسانية",
    "مواضيع ذات صلة\nتقرير عن الهدنة",
    "إقرأ المزيد: انتخابات جديدة في المنطقة",
]
FURNITURE = [
    "شارك هذا الخبر على فيسبوك تويتر واتساب",
    "تابعونا على تويتر",
    "فيسبوك تويتر تلغرام",
    "الصورة: أرشيفية",
    "تصوير: أحمد محمود",
]
SIGNOFFS = ["(رويترز)", "أ ف ب", "ـ (د ب أ)", "المصدر: وكالات", "(الأناضول)"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("block", RELATED_BLOCKS)
def test_appended_related_list_is_removed(name: str, block: str) -> None:
    base = _base(name)
    result = _clean(base.text + "\n\n" + block)
    assert result.text == base.text
    assert result.removed["boilerplate_lines"] == len(block.split("\n"))


@pytest.mark.parametrize("line", FURNITURE)
def test_share_and_credit_lines_are_removed(line: str) -> None:
    base = _base(NAMES[-1])
    paragraphs = _paragraphs(base)
    damaged = "\n\n".join([paragraphs[0], line, *paragraphs[1:]])
    result = _clean(damaged)
    assert result.text == base.text
    assert sum(result.removed.get(k, 0) for k in ("share_lines", "photo_credits")) == 1


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("signoff", SIGNOFFS)
def test_agency_signoff_at_the_end_is_removed(name: str, signoff: str) -> None:
    base = _base(name)
    own_line = _clean(base.text + "\n" + signoff)
    same_line = _clean(base.text + " " + signoff) if signoff.startswith(("(", "ـ")) else own_line
    assert own_line.text == base.text
    assert same_line.text == base.text
    assert own_line.removed["agency_signoff"] == 1


def test_agency_dateline_at_the_start_is_kept() -> None:
    body = "دمشق (رويترز) - قال مسؤول إن المحادثات ستبدأ غدا في جنيف بحضور الوفدين."
    assert _clean(body).text == body


@pytest.mark.parametrize("name", NAMES)
def test_headline_repeated_as_first_line_is_kept_once(name: str) -> None:
    base = _base(name)
    lead = next(p for p in _paragraphs(base) if len(p.split()) >= 8)  # not a dateline line
    title = " ".join(lead.split()[:8])
    result = _clean(f"{title}\n{base.text}", title=title)
    assert result.text == base.text
    assert result.title == title
    assert result.removed["headline_repeat"] == 1


def test_stray_letter_separators_become_paragraphs() -> None:
    sentences = ["قال الوزير إن المحادثات ستبدأ غدا.", "وأضاف أن الوفد سيصل صباحا.",
                 "ولم يعلق الطرف الآخر على ذلك."]
    for joiner in ("پ", "پپپ ", "چ", "ژ "):
        result = _clean(joiner.join(sentences))
        assert _paragraphs(result) == sentences
        assert result.removed["separators"] == 2


def test_persian_text_keeps_its_letters() -> None:
    body = "این یک متن فارسی است.پس از آن گفتگو ادامه پیدا کرد و چند نفر آمدند."
    result = _clean(body)
    assert result.language == "fa"
    assert "پس" in result.text


@pytest.mark.parametrize(
    "line",
    ["شارك الآلاف في المظاهرات على مواقع التواصل.", "صورة الرئيس على جدران المدينة تثير الجدل.",
     "تابعنا الأخبار منذ الصباح.", "المصدر الرئيسي للمياه في المدينة جف تماما."],
)
def test_news_lines_that_look_like_furniture_are_kept(line: str) -> None:
    base = _base(NAMES[-1])
    result = _clean(f"{base.text}\n\n{line}")
    assert result.text == f"{base.text}\n\n{line}"


def test_related_block_in_the_middle_stops_at_copy() -> None:
    first = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في جنيف بحضور جميع الوفود."
    short = "وأضاف أن الوفد سيصل غدا."
    body = f"{first}\n\nاقرأ أيضا:\nالجيش يتقدم في ريف حلب\n\n{short}"
    result = _clean(body)
    assert result.text == f"{first}\n\n{short}"
    assert result.removed["boilerplate_lines"] == 2


@pytest.mark.parametrize("name", NAMES)
def test_article_pasted_twice_on_one_line_is_kept_once(name: str) -> None:
    base = _base(name)
    one_line = " ".join(_paragraphs(base))
    result = _clean(f"{one_line} {orthographic_variant(one_line, seed=9)}")
    assert result.text == one_line
    assert result.removed["repeated_article"] == 1
