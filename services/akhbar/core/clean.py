"""The clean stage's core: raw article in, tidy display text and an audit of what was removed.

Order matters: display repairs first (so stray separators become line breaks and glued
words are split before anything is compared), then paragraph structure, the lead (a
dateline alone on its line, a standfirst repeated behind the dateline), page furniture,
the end of the story (sign-offs, flattened link lists), the repeated headline and
repeated text. The dateline stays in the text and is returned as data with offsets into
it; sign-offs leave the text and are returned too. Everything here is pure: no Kafka, no
network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from akhbar.core.boilerplate import remove_boilerplate
from akhbar.core.errors import RejectedInput
from akhbar.core.glued import split_glued_words
from akhbar.core.html import extract_html
from akhbar.core.language import arabic_ratio, guess_language
from akhbar.core.lead import Dateline, drop_standfirst_repeat, join_dateline_line, locate_dateline
from akhbar.core.repair import repair_text
from akhbar.core.structure import (
    dedup_paragraphs,
    drop_headline_lines,
    drop_headline_repeat,
    split_paragraphs,
)
from akhbar.core.tail import strip_tail

__all__ = ["HTML_TYPES", "CleanResult", "Dateline", "clean_article"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PARAGRAPH_BREAK = "\n\n"
MAX_STRUCTURE_ROUNDS = 4
MAX_UNESCAPE_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class CleanResult:
    """A cleaned article: display title and text, language, and what cleaning removed.

    ``dateline`` offsets index ``text``; ``signoff`` is the sign-off text taken off its end.
    """

    title: str
    text: str
    language: str
    arabic_ratio: float
    removed: dict[str, int]
    published_at: str | None
    dateline: Dateline | None = None
    signoff: str | None = None


def _check_size(body: str, max_body_bytes: int) -> None:
    """Reject an oversized body before any heavy work (encoding only when it could be)."""
    if len(body) * 4 <= max_body_bytes:  # UTF-8 needs at most 4 bytes per character
        return
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > max_body_bytes:
        raise RejectedInput("body_too_large", f"{size} bytes > {max_body_bytes}")


def _unescape(text: str) -> str:
    """Decode HTML entities, also double-escaped ones (&amp;quot;), so a second pass is a no-op."""
    for _ in range(MAX_UNESCAPE_ROUNDS):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _tidy_title(title: str, removed: dict[str, int]) -> str:
    """A title is one line: the same repairs as the body, line breaks become spaces."""
    if not title:
        return ""
    title = _unescape(title) if "&" in title else title
    return " ".join(repair_text(" ".join(title.split()), removed).split())


def _clean_body(text: str, title: str, removed: dict[str, int]) -> tuple[list[str], list[str]]:
    """Run the body through repairs and structure cleanup; return its paragraphs and the
    sign-offs taken off its end."""
    text = repair_text(text, removed)
    text = split_glued_words(text, removed)
    paragraphs = split_paragraphs(drop_headline_lines(title, text, removed), removed)
    if title:
        paragraphs = drop_headline_repeat(title, paragraphs, removed)
    paragraphs = join_dateline_line(paragraphs)
    paragraphs = drop_standfirst_repeat(paragraphs, removed)  # a headline repeat is not one
    signoffs: list[str] = []
    for round_ in range(MAX_STRUCTURE_ROUNDS):  # a removal can expose another (new last line)
        before = paragraphs
        paragraphs, found = strip_tail(remove_boilerplate(paragraphs, removed), removed)
        signoffs[:0] = found  # a later round finds what stood before
        paragraphs = drop_headline_repeat(title, paragraphs, removed)
        if round_ and paragraphs == before:
            break  # dedup already ran on exactly these paragraphs
        paragraphs = dedup_paragraphs(paragraphs, removed)
        if paragraphs == before:
            break
    return paragraphs, signoffs


def clean_article(*, title: str, body: str, content_type: str = "text/plain",
                  max_body_bytes: int = 2_000_000) -> CleanResult:
    """Clean one raw article; raise ``RejectedInput`` when it is too large or empty.

    HTML bodies (``text/html``) go through main-text extraction first; the page title
    and date fill in what the record lacks. A plain-text record without a title keeps
    an empty title.
    """
    _check_size(body, max_body_bytes)
    removed: dict[str, int] = {}
    published_at: str | None = None
    if content_type.split(";")[0].strip().lower() in HTML_TYPES:
        page = extract_html(body)
        body, published_at = page.text, page.published_at
        title = title if title.strip() else page.title
    elif "&" in body:  # feeds often send plain text with entities left in (&quot; &nbsp;)
        body = _unescape(body)
    clean_title = _tidy_title(title, removed)
    paragraphs, signoffs = _clean_body(body, clean_title, removed)
    text = PARAGRAPH_BREAK.join(paragraphs)
    if not text.strip():
        raise RejectedInput("empty_after_cleaning", "no text left after cleaning")
    ratio = arabic_ratio(text)
    return CleanResult(title=clean_title, text=text, language=guess_language(text, ratio),
                       arabic_ratio=round(ratio, 4), removed=removed,
                       published_at=published_at,
                       dateline=locate_dateline(paragraphs, PARAGRAPH_BREAK),
                       signoff=" ".join(signoffs) or None)
