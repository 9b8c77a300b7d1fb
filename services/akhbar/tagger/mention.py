"""A mention: a name found in a token sequence, before offsets are mapped to display text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from akhbar.tagger.entity import EntitySource, EntityType
from akhbar.tagger.gazetteer import GazEntry
from akhbar.tagger.tokens import clitic_readings


@dataclass(frozen=True, slots=True)
class Mention:
    """Tokens ``[first, end)``, minus ``skip`` clitic chars; ``key`` is the name's words."""

    first: int
    end: int
    skip: int
    type: EntityType
    key: tuple[str, ...]
    entry: GazEntry | None
    source: EntitySource
    origin: tuple[str, ...] | None = None  # key of the mention this one copies


def mention_key(words: Sequence[str], first: int, end: int, skip: int) -> tuple[str, ...]:
    """The name's match-form words, its first word read without the skipped clitics."""
    head = dict(clitic_readings(words[first])).get(skip, words[first][skip:])
    return (head, *words[first + 1 : end])
