"""In-document propagation: a name found once is tagged at its other occurrences.

A person's surname alone (هاموند after فيليب هاموند) takes the full name's canonical
name and id. Guards keep one CRF slip from spreading through a long article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from akhbar.tagger.gazetteer import GazEntry, Gazetteer
from akhbar.tagger.mention import Mention, mention_key
from akhbar.tagger.tokens import ARTICLE, clitic_spellings

_MIN_SURNAME = 3


def link_short_forms(mentions: list[Mention]) -> list[Mention]:
    """A model mention that is a found person's surname (هاموند) takes that person's name."""
    surnames: dict[str, Mention] = {}
    for m in mentions:
        if m.type != "PER" or len(m.key) < 2 or m.origin is not None:
            continue
        held = surnames.get(m.key[-1])
        # A known person's full name beats a model guess ending the same way (بشار الأسد,
        # not معارضي الأسد "Assad's opponents"); otherwise the first full name stands.
        if held is None or (held.entry is None and m.entry is not None):
            surnames[m.key[-1]] = m
    linked: list[Mention] = []
    for m in mentions:
        full = surnames.get(m.key[-1]) if len(m.key) == 1 and m.entry is None else None
        if full is not None and full.key != m.key:
            m = Mention(m.first, m.end, m.skip, full.type, m.key, full.entry, m.source, full.key)
        linked.append(m)
    return linked


SPREAD_MIN_SHARE = 0.2
SPREAD_MIN_SEEN = 4


def _spreads(mention: Mention, share: dict[str, float], common: Callable[[str], bool]) -> bool:
    """Whether a found name is tagged at its other occurrences too.

    A one-word model guess that is a common word of the training text (mostly not a
    name there) spreads only if the CRF itself tagged a fair share of its occurrences:
    one slip (a verb after a heading) must not tag every copy. A word the training text
    never had is more likely a new name (5-fold CV: guarding those too cost 0.4 F1).
    A longer model guess made of common words only (شن الطيران, "the air force
    launched") does not spread at all: same CV score, 6 false copies fewer in a sample.
    """
    if mention.entry is not None:
        return True
    if len(mention.key) > 1:
        return not all(common(word) for word in mention.key)
    word = mention.key[0]
    return share.get(word, 1.0) >= SPREAD_MIN_SHARE or not common(word)


def _model_share(words: Sequence[str], mentions: list[Mention]) -> dict[str, float]:
    """For one-word model names: tagged occurrences / all occurrences in the document.

    An occurrence is any word one of whose clitic readings is the name. The few names
    are spelled out with every clitic (:func:`clitic_spellings`, the exact inverse of
    the readings) and those spellings counted, rather than reading every word.
    """
    tagged = Counter(m.key[0] for m in mentions if m.source == "model" and len(m.key) == 1)
    if not tagged:
        return {}
    counts = Counter(words)
    seen = {
        name: sum(counts[word] for word in set(clitic_spellings(name)) if word in counts)
        for name in tagged
    }
    return {w: tagged[w] / seen[w] for w in tagged if seen[w] >= SPREAD_MIN_SEEN}


def _surname_can_stand_alone(mention: Mention) -> bool:
    """A known person's last name (الأسد) may; a model guess ending in ال + noun may not."""
    if mention.type != "PER" or len(mention.key) < 2 or mention.origin is not None:
        return False
    return mention.entry is not None or not mention.key[-1].startswith(ARTICLE)


def _always(_: str) -> bool:
    return True


def propagated(
    words: Sequence[str],
    mentions: list[Mention],
    taken: set[int],
    common: Callable[[str], bool] = _always,
) -> list[Mention]:
    """Other occurrences of names already found (and a person's surname alone).

    ``common(word)``: the word is mostly not a name in the training text (see
    :meth:`akhbar.tagger.lexicon.Lexicon.common_word`); only those need the share guard.
    """
    origins: dict[str, int] = {}
    entries: list[tuple[tuple[str, ...], GazEntry]] = []
    share = _model_share(words, mentions)
    for index, mention in enumerate(mentions):
        keys = [mention.key] if _spreads(mention, share, common) else []
        if _surname_can_stand_alone(mention):
            keys.append(mention.key[-1:])
        for key in keys:
            name = " ".join(key)
            if name not in origins and len(name) >= _MIN_SURNAME:
                origins[name] = index
                entries.append((key, GazEntry(name, mention.type, None, ())))
    found: list[Mention] = []
    for m in Gazetteer.from_keys(entries).find(words):
        if taken.intersection(range(m.first, m.end)):
            continue
        origin = mentions[origins[m.entry.canonical]]
        key = mention_key(words, m.first, m.end, m.skip)
        found.append(
            Mention(
                m.first, m.end, m.skip, origin.type, key, origin.entry, origin.source, origin.key
            )
        )
        taken.update(range(m.first, m.end))
    return found
