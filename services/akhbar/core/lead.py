"""The lead of a news story: its dateline, and a standfirst repeated behind it.

A dateline opens the first paragraph: the place the story was filed from, then the agency
or outlet that filed it, in one of the shapes newsrooms use::

    بغداد (شفق نيوز)-      دمشق - (وكالات) -      القاهرة - أ ش أ:      بيروت ـ «المستقبل»

Only the shape is read (position, brackets, quotes, dashes, a colon, word counts), never
a story's wording. A bracketed or quoted agency may be any short name; a bare one (the
``CITY - AGENCY:`` shape) must be a known agency (``data/agencies.tsv``), because bare
words after a dash are as often prose. The dateline stays in the display text; it is
described as data (:class:`Dateline`) with offsets into that text.

A *standfirst* (a summary paragraph) is often repeated as the lead behind the dateline:
``summary`` then ``CITY (AGENCY) - summary ...``. The dateline makes the two differ, so
sentence dedup keeps both; :func:`drop_standfirst_repeat` keeps the dated one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from akhbar.core.agencies import Agency, agency_by_key
from akhbar.core.keys import plain_keys, plain_words

__all__ = ["Dateline", "Span", "drop_standfirst_repeat", "find_dateline", "join_dateline_line",
           "locate_dateline"]

MAX_PLACE_WORDS = 3
MAX_AGENCY_WORDS = 5
MIN_STANDFIRST_WORDS = 6  # a shorter first paragraph is a kicker or a heading, not a summary
LEAD_PARAGRAPHS = 3  # a dateline opens one of the first three paragraphs
_LOOKAHEAD = 50  # characters after an unknown agency's dash searched for a second dash

_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3A-Za-z\u00c0-\u024f"
_MARK = "\u0640\u064b-\u065f\u0670"  # tatweel and harakat: inside a word, never alone
_WORD = f"[{_LETTER}][{_LETTER}{_MARK}]*"
_DASH = "-–—ـ"
_DATELINE = re.compile(
    rf"(?P<place>{_WORD}(?: {_WORD}){{0,{MAX_PLACE_WORDS - 1}}})"
    r"(?:"
    r" ?\((?P<paren>[^()\n]{1,40})\)"  # بغداد (شفق نيوز)-
    rf"| [{_DASH}] ?\((?P<dash_paren>[^()\n]{{1,40}})\)"  # دمشق - (وكالات) -
    rf'| [{_DASH}] ?"(?P<quoted>[^"\n]{{1,40}})"'  # بيروت ـ "المستقبل" (« » are " here)
    rf"| [{_DASH}] ?(?P<bare>[^{_DASH}:()\"\n،,]{{1,40}}?)(?= ?(?::|[{_DASH}] ))"  # - أ ش أ:
    r")"
    rf"(?P<sep> ?[{_DASH}:])?"
)
_SECOND_DASH = re.compile(rf" [{_DASH}] ")
# Words a place or an agency name never is: a bracket or dash holding one is prose.
_FUNCTION_WORDS = frozenset(plain_words(
    "في من على إلى عن أن إن إذا لا لم لن قد ما و أو ثم كما حيث بعد قبل مع عند التي الذي "
    "الذين اللذين هذا هذه ذلك تلك هو هي هم نحن أنا كان كانت قال قالت يقول ليس بين حول ضد "
    "منذ خلال أي كل بعض غير لدى وفق حسب the of and in"
))


@dataclass(frozen=True, slots=True)
class Span:
    """A named part of a dateline: display text, offsets, the name it stands for, its id."""

    text: str
    start: int
    end: int
    canonical: str
    id: str | None

    def shifted(self, by: int) -> Span:
        return Span(self.text, self.start + by, self.end + by, self.canonical, self.id)

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "start": self.start, "end": self.end,
                "canonical": self.canonical, "id": self.id}


@dataclass(frozen=True, slots=True)
class Dateline:
    """Where and by whom a story was filed; ``text == display[start:end]``."""

    text: str
    start: int
    end: int
    place: Span
    agency: Span

    def shifted(self, by: int) -> Dateline:
        return Dateline(self.text, self.start + by, self.end + by, self.place.shifted(by),
                        self.agency.shifted(by))

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "start": self.start, "end": self.end,
                "place": self.place.to_dict(), "agency": self.agency.to_dict()}


def _plain_name(words: list[str], limit: int) -> bool:
    """1..limit words, none of them a function word or a number."""
    return 0 < len(words) <= limit and not any(
        w in _FUNCTION_WORDS or any(ch.isdigit() for ch in w) for w in words
    )


def _agency_span(
    match: re.Match[str], group: str, key: str
) -> tuple[Span, Agency | None] | None:
    """The agency part of a dateline match (``key``: its folded words), or None when it
    is not a plausible name."""
    raw = match.group(group)
    start = match.start(group) + len(raw) - len(raw.lstrip())
    text = raw.strip()
    if not _plain_name(key.split(), MAX_AGENCY_WORDS):
        return None
    agency = agency_by_key(key)
    canonical, qid = (agency.canonical, agency.qid) if agency else (" ".join(text.split()), None)
    return Span(text, start, start + len(text), canonical, qid), agency


@lru_cache(maxsize=1024)  # the lead rules ask about the same few paragraphs several times
def find_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening ``paragraph`` (offsets into it), or None."""
    match = _DATELINE.match(paragraph)
    if match is None:
        return None
    group = next(g for g in ("paren", "dash_paren", "quoted", "bare") if match.group(g))
    place = match.group("place")
    place_key, agency_key = plain_keys([place, match.group(group)])  # one fold for both
    if not _plain_name(place_key.split(), MAX_PLACE_WORDS):
        return None
    found = _agency_span(match, group, agency_key)
    if found is None:
        return None
    agency_span, agency = found
    if group == "paren" and not match.group("sep"):
        return None  # "ونقلت وكالة الأنباء (واس) أن": a bracket inside a sentence
    if agency is None:  # an unknown name must look like a dateline on every side
        rest = paragraph[match.end() :]
        if group == "bare" or _SECOND_DASH.search(rest[:_LOOKAHEAD]):
            return None  # bare words after a dash, or "X (Y) - an aside - ..."
    end = match.end()
    place_span = Span(place, 0, len(place), place, None)
    return Dateline(paragraph[:end], 0, end, place_span, agency_span)


def locate_dateline(paragraphs: list[str], separator: str) -> Dateline | None:
    """The dateline of the text ``separator.join(paragraphs)``, offsets into that text.

    It opens the first paragraph, or the second behind a standfirst kept because it
    was not a repeat.
    """
    offset = 0
    for paragraph in paragraphs[:2]:
        found = find_dateline(paragraph)
        if found is not None:
            return found.shifted(offset)
        offset += len(paragraph) + len(separator)
    return None


def join_dateline_line(paragraphs: list[str]) -> list[str]:
    """A dateline alone on its line leads the paragraph after it, as in print."""
    for i, paragraph in enumerate(paragraphs[: LEAD_PARAGRAPHS - 1]):
        found = find_dateline(paragraph)
        if found is not None and found.end == len(paragraph) and i + 1 < len(paragraphs):
            joined = f"{paragraph} {paragraphs[i + 1]}"
            return [*paragraphs[:i], joined, *paragraphs[i + 2 :]]
    return paragraphs


def _words_after(paragraphs: list[str], first: str, count: int) -> list[str]:
    """The first ``count`` words of ``first`` and the paragraphs after it."""
    words = plain_words(first)
    for paragraph in paragraphs:
        if len(words) >= count:
            break
        words += plain_words(paragraph)
    return words[:count]


def _undated_words(paragraph: str) -> list[str]:
    found = find_dateline(paragraph)
    return plain_words(paragraph[found.end :] if found else paragraph)


def drop_standfirst_repeat(paragraphs: list[str], removed: dict[str, int]) -> list[str]:
    """Drop a standfirst that the dated lead after it repeats word for word.

    The standfirst may span several lines (a hard-wrapped feed): the paragraphs just
    before the dated one count together. Only the first dated paragraph is a lead.
    """
    for i in range(min(LEAD_PARAGRAPHS + 2, len(paragraphs))):
        found = find_dateline(paragraphs[i])
        if found is None:
            continue
        if i == 0:
            break  # the story opens with its dateline: nothing stands before it
        undated = [_undated_words(p) for p in paragraphs[:i]]
        lead = _words_after(paragraphs[i + 1 :], paragraphs[i][found.end :],
                            sum(map(len, undated)))
        standfirst: list[str] = []
        for first in range(i - 1, -1, -1):
            standfirst = undated[first] + standfirst
            if len(standfirst) >= MIN_STANDFIRST_WORDS and lead[: len(standfirst)] == standfirst:
                removed["standfirst_repeat"] = removed.get("standfirst_repeat", 0) + 1
                return [*paragraphs[:first], *paragraphs[i:]]
        break
    return paragraphs
