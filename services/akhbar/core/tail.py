"""The end of a story: sign-offs, and a "related news" list flattened into the last paragraph.

Everything here looks only at the very end of the text, and repeats until nothing more
comes off (a list, then a sign-off under it, then a tag). What is recognised is a shape:

- a last line that is nothing but agency names (``رويترز``, ``المصدر: وكالات``), known
  from ``data/agencies.tsv``: bare words cannot otherwise be told from prose;
- a short bracketed tag after the last sentence has closed (``... غدا. (أ ف ب)``,
  ``... غدا - (شفق نيوز)``): prose brackets sit inside sentences, not after them;
- editors' initials: single letters joined by dots or slashes (``ع.م``, ``ر.ت/م.ع``), on
  their own line or after the last full stop;
- a related-news label (``أخبار متعلقة``, ``اقرأ أيضا:``) after a full stop or a spaced
  dash, followed only by short titles separated by spaced dashes: the page's link list
  run into the last paragraph.

The sign-offs are returned, so the record keeps them (``signoff``) instead of losing them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from akhbar.core.agencies import agency_keys, max_agency_words
from akhbar.core.boilerplate import MAX_LIST_WORDS, RELATED_MARKERS, starts_with
from akhbar.core.keys import plain_key, plain_keys, plain_words

__all__ = ["strip_tail"]

MAX_TAG_WORDS = 4  # a bracketed tag of an unknown outlet: "(شفق نيوز)"
MAX_TAIL_CHARS = 1200  # the end of the last paragraph searched for a flattened list
_SHORT_LINE_SPACES = 12  # a last line with more spaces is copy, never a sign-off

_CONNECTORS = frozenset(plain_words("المصدر المصادر و source"))  # "المصدر: وكالات"
_CLOSED = tuple('.!?؟…"\'')
_DASHES = "-–—ـ"
_L = "[\u0621-\u063a\u0641-\u064a][\u064b-\u0652\u0640]*"  # an initial (marks allowed)
_INITIALS = rf"{_L}(?: ?[./] ?{_L})+\.?(?:(?: ?[/{_DASHES}] ?| ){_L}(?: ?[./] ?{_L})+\.?)*"
_INITIALS_LINE = re.compile(rf"[{_DASHES}( ]*(?:{_INITIALS}|{_L}(?: {_L})+)\)?")
_TRAILING_INITIALS = re.compile(rf"(?<=[.!?؟…\")]) [{_DASHES}]? ?\(?({_INITIALS})\)?$")
_TRAILING_TAG = re.compile(rf"(?P<dash> [{_DASHES}])? ?\((?P<tag>[^()\n]{{1,40}})\)[ .]*$")
# Flattened list items are separated by spaced dashes (or bars); the label may also
# follow a closed sentence or a bracketed tag in the same run of text.
_ITEM_BREAK = re.compile(rf" [{_DASHES}|•] ")
_LABEL_BREAK = re.compile(r"(?<=[.!?؟…)\"]) ")
_SPACE = re.compile(r"(?<= )")
_MAX_LABEL_SPACES = 3 + MAX_LIST_WORDS  # a label with its first title: "اقرأ أيضا: ..."
_SIGNOFF_TRIM = f" {_DASHES}"
_WRAPPED_LINES = 3  # list lines broken off by a hard wrap, joined back to look at them
_LIST_MARKS = (*(f" {d} " for d in _DASHES), "|", "•", ":")
_MARKER_PHRASES = tuple(" ".join(p) for group in RELATED_MARKERS.values() for p in group)


def _bump(removed: dict[str, int], kind: str) -> None:
    removed[kind] = removed.get(kind, 0) + 1


def _is_agency_line(words: list[str]) -> bool:
    """True when ``words`` are nothing but agency names (greedy longest-name parse)."""
    known, longest = agency_keys(), max_agency_words()
    at = 0
    named = False
    while at < len(words):
        if words[at] in _CONNECTORS:
            at += 1
            continue
        for size in range(min(longest, len(words) - at), 0, -1):
            if " ".join(words[at : at + size]) in known:
                at += size
                named = True
                break
        else:
            return False
    return named


def _is_tag(tag: str) -> bool:
    """A bracketed sign-off: agency names, initials, or a short name without numbers."""
    if any(ch.isdigit() for ch in tag):
        return False  # "(2)", "(البقرة: 255)": a reference, not a sign-off
    if _INITIALS_LINE.fullmatch(tag.strip()):
        return True
    words = plain_words(tag)
    return 0 < len(words) <= MAX_TAG_WORDS or _is_agency_line(words)


def _last_line_signoff(last: str) -> str | None:
    """The kind of sign-off a whole last paragraph is, or None."""
    if last.count(" ") > _SHORT_LINE_SPACES:
        return None
    if _is_agency_line(plain_words(last)):  # first: "أ ف ب" is letters too
        return "agency_signoff"
    return "initials_signoff" if _INITIALS_LINE.fullmatch(last) else None


def _inline_signoff(last: str) -> tuple[int, str] | None:
    """Where a sign-off closing the last paragraph starts, and its kind; or None."""
    offset = max(0, len(last) - 64)  # bounded: no scan of a long run of dashes or dots
    found = _TRAILING_INITIALS.search(last, offset)
    if found:
        return found.start(), "initials_signoff"
    found = _TRAILING_TAG.search(last, offset)
    if found is None or not _is_tag(found.group("tag")):
        return None
    before = last[: found.start()].rstrip()
    if found.group("dash") or not before or before.endswith(_CLOSED):
        return found.start(), "agency_signoff"
    return None  # "... كما ذكرت (رويترز)": the bracket is part of the last sentence


def _is_label(segment: str, words: list[str], colon_only: bool = False) -> bool:
    """A related-news label: the marker alone (unless ``colon_only``), or the marker, a
    colon and a first title."""
    if not starts_with(words, RELATED_MARKERS):
        return False
    marker = next(p for p in RELATED_MARKERS[words[0]] if tuple(words[: len(p)]) == p)
    if len(words) == len(marker) and not colon_only:
        return True
    head, colon, title = segment.partition(":")
    return bool(colon) and tuple(plain_words(head)) == marker and (
        len(plain_words(title)) <= MAX_LIST_WORDS
    )


def _label_in(segment: str) -> int | None:
    """Where in ``segment`` a related-news label starts that runs to its end, or None.

    It starts the segment or follows a closed sentence or a tag inside it; a label with
    a colon (``اقرأ أيضا: ...``) may follow any word. Only the last few words are looked
    at: a label is short.
    """
    tail_from = len(segment)
    for _ in range(_MAX_LABEL_SPACES + 1):
        tail_from = segment.rfind(" ", 0, tail_from)
        if tail_from < 0:
            break
    closed = {0, *(m.end() for m in _LABEL_BREAK.finditer(segment, max(tail_from, 0)))}
    starts = sorted({*closed, *(m.end() for m in _SPACE.finditer(segment, tail_from + 1))})
    starts = [s for s in starts if s in closed or ":" in segment[s:]]
    for start, key in zip(starts, plain_keys([segment[s:] for s in starts]), strict=True):
        if _is_label(segment[start:], key.split(), colon_only=start not in closed):
            return start
    return None


@lru_cache(maxsize=256)  # each cleaning round asks again about the same last paragraph
def _names_a_label(tail: str) -> bool:
    """One fold of the tail: does any related-news label occur in it at all?"""
    folded = f" {plain_key(tail)} "
    return any(f" {phrase} " in folded for phrase in _MARKER_PHRASES)


def _flattened_list(last: str) -> int | None:
    """Where a related-news list run into the end of ``last`` starts, or None.

    The list is a label, then titles separated by spaced dashes (or bars), each at most
    ``MAX_LIST_WORDS`` words; the label may follow the story's last sentence.
    """
    offset = max(0, len(last) - MAX_TAIL_CHARS)
    tail = last[offset:]
    if not any(mark in tail for mark in _LIST_MARKS) or not _names_a_label(tail):
        return None  # a list needs a separator or a labelled colon; then a label
    starts = [offset, *(m.end() for m in _ITEM_BREAK.finditer(last, offset))]
    segments = [last[a:b] for a, b in zip(starts, [*starts[1:], len(last)], strict=True)]
    keys = plain_keys(segments)
    found: int | None = None
    for i in range(len(segments) - 1, -1, -1):
        at = _label_in(segments[i])
        if at is not None and (i or at or offset == 0):  # not a label cut off at offset
            found = starts[i] + at
        words = keys[i].count(" ") + 1 if keys[i] else 0
        if not words or words > MAX_LIST_WORDS or (at or 0) > 0:
            break  # copy, or the story's last sentence: the list cannot reach further back
    return found


def _cut(last: str, at: int) -> tuple[str, str]:
    """``last`` split at ``at`` into (kept text, removed text), trimmed."""
    return last[:at].rstrip(_SIGNOFF_TRIM + "|•"), last[at:].strip(_SIGNOFF_TRIM)


def strip_tail(paragraphs: list[str], removed: dict[str, int]) -> tuple[list[str], list[str]]:
    """Return ``paragraphs`` without the sign-offs and flattened lists at their end, and
    the sign-offs removed, in text order."""
    signoffs: list[str] = []
    while paragraphs:
        last = paragraphs[-1]
        kind = _last_line_signoff(last)
        if kind is not None:
            paragraphs = paragraphs[:-1]
            signoffs.insert(0, last.strip(_SIGNOFF_TRIM))
            _bump(removed, kind)
            continue
        inline = _inline_signoff(last)
        if inline is not None:
            kept, cut = _cut(last, inline[0])
            signoffs.insert(0, cut)
            _bump(removed, inline[1])
        else:
            joined, last = _wrapped_list_lines(paragraphs)
            at = _flattened_list(last)
            if at is None:
                break
            paragraphs = joined  # only when the lines were a list: bullets stay lines
            kept = _cut(last, at)[0]
            _bump(removed, "related_inline")
        paragraphs = [*paragraphs[:-1], kept] if kept else paragraphs[:-1]
    return paragraphs, signoffs


def _wrapped_list_lines(paragraphs: list[str]) -> tuple[list[str], str]:
    """``paragraphs`` with the lines a hard wrap broke off a flattened list (short list
    items, not ending a sentence) joined back to the line before, and the new last one."""
    lines = 1
    while lines < min(_WRAPPED_LINES + 1, len(paragraphs)) and _list_like(paragraphs[-lines]):
        lines += 1
    if lines == 1:
        return paragraphs, paragraphs[-1]
    joined = " ".join(paragraphs[-lines:])
    return [*paragraphs[:-lines], joined], joined


def _list_like(line: str) -> bool:
    """Could ``line`` be list items only: short pieces between separators, no full stop?"""
    return (len(line) <= MAX_TAIL_CHARS and not line.endswith(_CLOSED)
            and all(len(item.split()) <= MAX_LIST_WORDS for item in _ITEM_BREAK.split(line)))
