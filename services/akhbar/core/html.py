"""Main text, title and date of an HTML page, via trafilatura (never regex on HTML).

Hostile pages must fail fast, not stall a worker: the page is parsed once with lxml,
refused when it holds too many elements, and stripped of script/style blocks (whose text
htmldate would otherwise scan) before trafilatura sees the tree. Every failure becomes
``RejectedInput("html_extraction_failed", ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from akhbar.core.errors import RejectedInput

__all__ = ["MAX_ELEMENTS", "HtmlExtract", "extract_html"]

MAX_ELEMENTS = 20_000  # real article pages hold a few thousand; 20k takes trafilatura ~6 s
_NOT_TEXT = ("script", "style", "noscript", "template", "svg", "iframe", "object")
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True, slots=True)
class HtmlExtract:
    """What the page gave us: main text (paragraphs on lines), title and ISO date."""

    text: str
    title: str
    published_at: str | None


def _parse(html: str) -> Any:
    """Parse ``html`` into an lxml tree small enough to extract from, or reject it."""
    try:
        tree = load_html(html)
    except Exception as exc:  # lxml raises several unrelated types on broken input
        raise RejectedInput("html_extraction_failed", f"unparsable HTML: {exc!r}"[:200]) from exc
    if tree is None:
        raise RejectedInput("html_extraction_failed", "unparsable HTML")
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise RejectedInput("html_extraction_failed", f"{elements} elements > {MAX_ELEMENTS}")
    etree.strip_elements(tree, *_NOT_TEXT, with_tail=False)  # keeps the text after them
    return tree


def extract_html(html: str) -> HtmlExtract:
    """Extract the article from ``html``; raise ``RejectedInput`` when nothing usable is there."""
    tree = _parse(html)
    try:
        document = bare_extraction(
            tree, with_metadata=True, fast=True, include_comments=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # a crash inside the extractor is bad input, not a worker bug
        raise RejectedInput("html_extraction_failed", f"extractor failed: {exc!r}"[:200]) from exc
    text = (getattr(document, "text", None) or "").strip()
    if not text:
        raise RejectedInput("html_extraction_failed", "no main text found")
    title = (getattr(document, "title", None) or "").strip()
    date = getattr(document, "date", None)
    return HtmlExtract(text=text, title=title, published_at=date or None)
