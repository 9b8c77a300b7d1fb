"""The clean stage's core: raw article in, tidy display text and an audit of what was removed.

Order matters: display repairs first (so stray separators become line breaks and glued
words are split before anything is compared), then paragraph structure, page furniture,
the repeated headline and repeated text. Everything here is pure: no Kafka, no network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from akhbar.core.boilerplate import remove_boilerplate
from akhbar.core.errors import RejectedInput
from akhbar.core.glued import split_glued_words
from akhbar.core.html import extract_html
from akhbar.core.language import arabic_ratio, guess_language
from akhbar.core.repair import repair_text
from akhbar.core.structure import dedup_paragraphs, drop_headline_repeat, split_paragraphs

__all__ = ["HTML_TYPES", "CleanResult", "clean_article"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PARAGRAPH_BREAK = "\n\n"
MAX_STRUCTURE_ROUNDS = 4
MAX_UNESCAPE_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class CleanResult:
    """A cleaned article: display title and text, language, and what cleaning removed."""

    title: str
    text: str
    language: str
    arabic_ratio: float
    removed: dict[str, int]
    published_at: str | None


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


def _clean_body(text: str, title: str, removed: dict[str, int]) -> list[str]:
    """Run the body through repairs and structure cleanup; return its paragraphs."""
    text = repair_text(text, removed)
    text = split_glued_words(text, removed)
    paragraphs = split_paragraphs(text, removed)
    for round_ in range(MAX_STRUCTURE_ROUNDS):  # a removal can expose another (new last line)
        before = paragraphs
        paragraphs = remove_boilerplate(paragraphs, removed)
        paragraphs = drop_headline_repeat(title, paragraphs, removed)
        if round_ and paragraphs == before:
            break  # dedup already ran on exactly these paragraphs
        paragraphs = dedup_paragraphs(paragraphs, removed)
        if paragraphs == before:
            break
    return paragraphs


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
    paragraphs = _clean_body(body, clean_title, removed)
    text = PARAGRAPH_BREAK.join(paragraphs)
    if not text.strip():
        raise RejectedInput("empty_after_cleaning", "no text left after cleaning")
    ratio = arabic_ratio(text)
    return CleanResult(title=clean_title, text=text, language=guess_language(text, ratio),
                       arabic_ratio=round(ratio, 4), removed=removed,
                       published_at=published_at)
