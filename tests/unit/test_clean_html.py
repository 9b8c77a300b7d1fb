"""HTML input: main text, title and date from the page; hostile pages are rejected fast."""

from __future__ import annotations

import pytest

from akhbar.core.clean import clean_article
from akhbar.core.errors import RejectedInput
from akhbar.core.html import MAX_ELEMENTS

PARAGRAPHS = [
    "قال مسؤول في الأمم المتحدة إن المحادثات ستستأنف الأسبوع المقبل في جنيف بحضور الوفدين.",
    "وأضاف أن المبعوث الخاص أرسل الدعوات إلى جميع الأطراف المعنية بالأزمة السورية.",
    "ولم يصدر أي تعليق من الحكومة على هذه التصريحات حتى الآن، بحسب ما أفادت وكالات الأنباء.",
]


def _page(title: str = "المحادثات تستأنف في جنيف", extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<html><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<meta property='article:published_time' content='2017-02-14T09:30:00+00:00'>"
        "</head><body><nav><a href='/'>الرئيسية</a> <a href='/world'>العالم</a></nav>"
        f"<article><h1>{title}</h1>{body}{extra}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    )


def _clean(html: str, title: str = "") -> object:
    return clean_article(title=title, body=html, content_type="text/html")


def test_html_main_text_title_and_date() -> None:
    result = clean_article(title="", body=_page(), content_type="text/html; charset=utf-8")
    assert result.title == "المحادثات تستأنف في جنيف"
    assert result.published_at == "2017-02-14"
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text
    assert "جميع الحقوق محفوظة" not in result.text
    assert result.language == "ar"


def test_record_title_wins_over_page_title() -> None:
    result = clean_article(title="عنوان من المصدر", body=_page(), content_type="text/html")
    assert result.title == "عنوان من المصدر"


def test_script_text_never_reaches_the_output() -> None:
    script = "<script>var x = 'نص خفي في سكربت';" + "a" * 200_000 + "</script>"
    result = clean_article(title="", body=_page(extra=script), content_type="text/html")
    assert "نص خفي" not in result.text
    assert PARAGRAPHS[0] in result.text


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body></body></html>",
        "<div>" * 200_000,
        "<" * 500_000,
        "<p>" + "<b>" * (MAX_ELEMENTS + 10) + "نص",
        "\x00\x01\x02" * 1000,
    ],
    ids=["empty", "no-text", "deep-nesting", "angle-brackets", "too-many-elements", "binary"],
)
def test_hostile_or_empty_html_is_rejected(html: str) -> None:
    with pytest.raises(RejectedInput) as caught:
        clean_article(title="", body=html, content_type="text/html")
    assert caught.value.reason == "html_extraction_failed"


def test_plain_text_is_not_parsed_as_html() -> None:
    body = "<p>" + PARAGRAPHS[0]
    result = clean_article(title="", body=body, content_type="text/plain")
    assert result.text.startswith("<p>")
