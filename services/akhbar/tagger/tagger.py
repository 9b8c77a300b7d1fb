"""The public tagger: display text in, entities with display offsets and canonical names out.

Tagging runs on the match form (see :mod:`akhbar.core.normalize`) and maps token spans
back through the offset table, so spans keep the display's diacritics, tatweel and hamza
spellings. A span covers the name only: a leading و/ف/ب/ل/ك (and combinations) is left
out, the article ال stays in (الأمم المتحدة), and for لل + X the span starts after لل
(the article's alef is not written), with the canonical name restoring ال.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from functools import cache

from akhbar.core.normalize import match_with_offsets
from akhbar.tagger.entity import Entity, EntityType
from akhbar.tagger.features import Knowledge
from akhbar.tagger.gazetteer import name_key
from akhbar.tagger.knowledge import Place
from akhbar.tagger.mention import Mention
from akhbar.tagger.model import CrfModel
from akhbar.tagger.pipeline import RULES, Rule, find_mentions
from akhbar.tagger.tokens import ARTICLE, DisplayTokens, display_tokens

_TATWEEL = "\u0640"
_HEADLINE_BREAK = "\n.\n"


def _is_mark(ch: str) -> bool:
    return ch == _TATWEEL or unicodedata.category(ch) == "Mn"


class _Unmark(dict[int, str | None]):
    """``str.translate`` table deleting marks, filled per code point on first sight."""

    def __missing__(self, code: int) -> str | None:
        if len(self) > _UNMARK_LIMIT:
            self.clear()  # bounded in a long-running worker
        mapped = self[code] = None if _is_mark(chr(code)) else chr(code)
        return mapped


_UNMARK_LIMIT = 10_000
_UNMARK = _Unmark()


def light_form(surface: str) -> str:
    """Surface without diacritics and tatweel, single-spaced: a model entity's canonical."""
    return " ".join(surface.translate(_UNMARK).split())


class Tagger:
    """Gazetteer + CRF + in-document propagation over one text at a time."""

    def __init__(
        self, knowledge: Knowledge, model: CrfModel, rules: Sequence[Rule] = RULES
    ) -> None:
        self.knowledge = knowledge
        self.model = model
        self.rules = tuple(rules)
        self._lock = threading.Lock()  # a crfsuite tagger must not run in two threads

    @classmethod
    def load(cls) -> Tagger:
        """The shipped gazetteer and model, loaded once per process."""
        return default_tagger()

    def tag(self, display_text: str) -> list[Entity]:
        """Entities in ``display_text``, in order, with ``display[start:end] == text``."""
        tokens = display_tokens(display_text)
        with self._lock:
            mentions = find_mentions(tokens.words, self.knowledge, self.model, self.rules)
        spans = [self._display_span(display_text, tokens, m) for m in mentions]
        by_key: dict[tuple[str, ...], str] = {}
        for mention, (start, end) in zip(mentions, spans, strict=True):
            if mention.origin is None:
                by_key[mention.key] = self._canonical(mention, display_text[start:end])
        entities: list[Entity] = []
        for mention, (start, end) in zip(mentions, spans, strict=True):
            surface = display_text[start:end]
            canonical = by_key.get(mention.origin or mention.key) or self._canonical(
                mention, surface
            )
            qid = mention.entry.qid if mention.entry else None
            if mention.entry is None and mention.type == "LOC":
                place = self._place(mention.origin or mention.key)
                if place is not None:
                    canonical, qid = place.spelling, f"geonames:{place.geonames_id}"
            entities.append(
                Entity(mention.type, surface, start, end, canonical, qid, mention.source)
            )
        return entities

    def resolve(self, name: str) -> tuple[EntityType, str, str | None] | None:
        """Type, canonical name and id of ``name`` when it is, whole, a known gazetteer name
        (any spelling the gazetteer's match form unifies); else None."""
        words = name_key(name)
        found = self.knowledge.gazetteer.find(words) if words else []
        if len(found) == 1 and (found[0].first, found[0].end, found[0].skip) == (0, len(words), 0):
            entry = found[0].entry
            return entry.type, entry.canonical, entry.qid
        return None

    def tag_article(self, title: str, text: str) -> tuple[list[Entity], list[Entity]]:
        """Entities of a headline and of its body, offsets into each.

        Tagged as one document, so a name the body spells out in full (فيليب هاموند)
        gives the headline's bare surname (هاموند) its canonical name and id, and the same
        name gets the same canonical in both. A punctuation token between the two keeps a
        span from running from the headline into the body.
        """
        if not title.strip():
            return [], self.tag(text)
        body_start = len(title) + len(_HEADLINE_BREAK)
        entities = self.tag(title + _HEADLINE_BREAK + text)
        in_title = [e for e in entities if e.end <= len(title)]
        in_body = [e.shifted(-body_start) for e in entities if e.start >= body_start]
        return in_title, in_body

    def _place(self, key: tuple[str, ...]) -> Place | None:
        """A model place whose name GeoNames gives one place without doubt."""
        world = self.knowledge.lexicon.world
        return world.certain_place(" ".join(key), known_place=True)

    @staticmethod
    def _display_span(display: str, tokens: DisplayTokens, mention: Mention) -> tuple[int, int]:
        start = tokens.start(mention.first)
        if mention.skip:
            _, starts = match_with_offsets(display[start : tokens.end(mention.first)])
            start += starts[mention.skip]
        return start, tokens.end(mention.end - 1)

    @staticmethod
    def _canonical(mention: Mention, surface: str) -> str:
        if mention.entry is not None:
            return mention.entry.canonical
        light = light_form(surface)
        if mention.key[0].startswith(ARTICLE) and not light.startswith(("ال", "أل", "إل")):
            return ARTICLE + light  # لل + X: the name is الX
        return light


_LOCK = threading.Lock()


@cache
def _load() -> Tagger:
    return Tagger(Knowledge.shipped(), CrfModel())


def default_tagger() -> Tagger:
    """The process-wide tagger (loading takes a moment; workers call this at start-up)."""
    with _LOCK:
        return _load()
