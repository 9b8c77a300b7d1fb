"""Display repairs, rejections and hostile input that must stay linear."""

from __future__ import annotations

import pytest

from akhbar.core.clean import clean_article
from akhbar.core.errors import RejectedInput
from akhbar.core.repair import repair_text


def _repair(text: str) -> str:
    return repair_text(text, {})


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("قال «نعم» و“لا” و„ربما‟", 'قال "نعم" و"لا" و"ربما"'),
        ("انتهى...", "انتهى…"),
        ("انتهى. . . ثم", "انتهى… ثم"),
        ("ماذا؟؟؟ حقا!!!", "ماذا؟ حقا!"),
        ("دمشق::", "دمشق:"),
        ("قال ، ثم قال .", "قال، ثم قال."),
        ("انتهى.وقال", "انتهى. وقال"),
        ("كلمة  \t  أخرى\u00a0ثالثة", "كلمة أخرى ثالثة"),
        ("ا\u200bل\u200fم\u202bد\u202cي\ufeffنة", "المدينة"),
        ("الأخبـــــار", "الأخبار"),
        ("كـ\"إبراز", "كـ\"إبراز"),
        ("ـــــــــ", "ـ"),
        ("ﺍﻟﻌﺮﺏ ﻻ", "العرب لا"),
        ("سطر\r\nسطر\rسطر", "سطر\nسطر\nسطر"),
        ('""اسم"', '"اسم"'),
    ],
)
def test_display_repairs(raw: str, tidy: str) -> None:
    assert _repair(raw) == tidy


def test_repairs_keep_diacritics_and_decimal_numbers() -> None:
    text = "قَالَ إن النمو بلغ 2.5% و14.5 مليون"
    assert _repair(text) == text


def test_stray_latin_letter_after_sentence_becomes_a_break() -> None:
    removed: dict[str, int] = {}
    assert repair_text("انتهى الاجتماع.pوقال الوزير", removed) == "انتهى الاجتماع.\nوقال الوزير"
    assert removed == {"separators": 1}


def test_latin_words_are_left_alone() -> None:
    text = "قال إن شركة Apple وفيتامين C مهمان."
    assert _repair(text) == text


def test_body_too_large_is_rejected_before_work() -> None:
    with pytest.raises(RejectedInput) as caught:
        clean_article(title="", body="ب" * 1000, max_body_bytes=1999)
    assert caught.value.reason == "body_too_large"
    assert clean_article(title="", body="ب" * 1000, max_body_bytes=2000).text == "ب" * 1000


@pytest.mark.parametrize("body", ["", "   \n\n ", "..... ---- ****", "\u200b\u200f"])
def test_empty_after_cleaning_is_rejected(body: str) -> None:
    with pytest.raises(RejectedInput) as caught:
        clean_article(title="عنوان", body=body)
    assert caught.value.reason == "empty_after_cleaning"


def test_plain_text_without_title_keeps_it_empty() -> None:
    result = clean_article(title="", body="نص الخبر هنا.")
    assert result.title == ""


def test_title_is_tidied_to_one_line() -> None:
    result = clean_article(title="  عنوان\n«الخبر»  ", body="نص الخبر هنا.")
    assert result.title == 'عنوان "الخبر"'


def test_english_body_is_not_arabic() -> None:
    body = "The talks in Geneva were postponed and the envoy said that the delegations would meet."
    result = clean_article(title="", body=body)
    assert result.language == "en"
    assert result.arabic_ratio == 0.0


MB = 1_000_000
HOSTILE = {
    "dots": ("..... " * (MB // 6), None),
    "tatweel": ("ـ" * (MB // 2), None),
    "alternating": ("ا." * (MB // 3), "ا"),
    "stray": (".پ" * (MB // 3), "پ"),
    "spaces_then_paren": ("ب" + " -" * (MB // 2) + "(", "ب"),
    "tatweel_after_letter": ("ب" + "ـ" * (MB // 2), "ب"),
    "glued_letters": ("بتث" * (MB // 6), "بتث"),
    "quotes": ('"' * MB, None),
    "colons": ("ب:" * (MB // 3), "ب"),
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_megabyte_finishes(name: str) -> None:
    body, must_contain = HOSTILE[name]
    try:
        result = clean_article(title="", body=body)
    except RejectedInput as rejected:
        assert must_contain is None, rejected
        assert rejected.reason == "empty_after_cleaning"
        return
    assert must_contain is not None
    assert must_contain in result.text
    assert len(result.text) <= len(body) + len(body) // 2


@pytest.mark.parametrize("body", ["ا،\n.ا", "ا،\n،ا", "قال،\n\"نعم\"", "أولا،\n…ثانيا"])
def test_joined_lines_are_tidy_at_once(body: str) -> None:
    """A line ending in a comma continues on the next: the join itself must be tidy."""
    first = clean_article(title="", body=body)
    assert clean_article(title="", body=first.text).text == first.text
    assert "\n" not in first.text


def test_clean_result_has_these_fields_and_is_frozen() -> None:
    import dataclasses

    from akhbar.core.clean import CleanResult

    fields = [f.name for f in dataclasses.fields(CleanResult)]
    assert fields == ["title", "text", "language", "arabic_ratio", "removed", "published_at",
                      "dateline", "signoff"]
    result = clean_article(title="", body="نص قصير.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]


def test_control_characters_and_lone_surrogates_are_dropped() -> None:
    result = clean_article(title="عنوان\udc80", body="\x00نص\x01 عربي\x7f\ud800 هنا\x1b.")
    assert result.text == "نص عربي هنا."
    assert result.title == "عنوان"
    result.text.encode("utf-8")  # must be encodable for the output topic


def test_entities_in_plain_text_are_decoded() -> None:
    result = clean_article(title="", body="قال &quot;نعم&quot;&nbsp;و&amp;لا &#1575; &amp;quot;.")
    assert result.text == 'قال "نعم" و&لا ا ".'
    assert clean_article(title="", body=result.text).text == result.text
