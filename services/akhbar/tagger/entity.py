"""The tagger's output type: one named entity with offsets into the display text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityType = Literal["PER", "LOC", "ORG"]
EntitySource = Literal["gazetteer", "model"]
ENTITY_TYPES: tuple[EntityType, ...] = ("PER", "LOC", "ORG")


@dataclass(frozen=True, slots=True)
class Entity:
    """A name found in a text; ``display_text[start:end] == text`` always holds."""

    type: EntityType
    text: str
    start: int
    end: int
    canonical: str
    id: str | None
    source: EntitySource

    def shifted(self, by: int) -> Entity:
        """The same entity with offsets moved by ``by`` (a part of a longer text)."""
        return Entity(self.type, self.text, self.start + by, self.end + by, self.canonical,
                      self.id, self.source)  # not replace(): 3x the cost, once per entity

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, the shape the enriched topic carries."""
        return {
            "type": self.type,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "canonical": self.canonical,
            "id": self.id,
            "source": self.source,
        }
