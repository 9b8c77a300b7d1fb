"""Named-entity tagging of Arabic news: PER, LOC, ORG with canonical names and Wikidata ids.

Pure Python: no Kafka, no network. The gazetteer and the CRF model ship in ``data/``.
"""

from akhbar.tagger.entity import Entity, EntitySource, EntityType
from akhbar.tagger.tagger import Tagger, default_tagger

__all__ = ["Entity", "EntitySource", "EntityType", "Tagger", "default_tagger"]
