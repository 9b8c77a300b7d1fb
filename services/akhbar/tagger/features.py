"""CRF features for one token sequence (match-form words).

Word identity, stem (clitics + article removed), prefixes/suffixes 1-3, clitic shape,
gazetteer membership (B-/I- + type), and the same facts about neighbours. Built as lists
of strings, the fastest input python-crfsuite accepts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from akhbar.tagger.gazetteer import Gazetteer, GazMatch, load_gazetteer
from akhbar.tagger.lexicon import EMPTY_LEXICON, Lexicon, build_lexicon
from akhbar.tagger.tokens import is_word, strip_article

_CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class WordInfo:
    """Everything the features need to know about one word, computed once per word."""

    stem: str
    given: str
    name_type: str
    cue: str
    own: tuple[str, ...]


_PAD_INFO = WordInfo("<s>", "", "", "", ())
_PAD = ("<s>", "O", _PAD_INFO)


def _shape(word: str, stem: str) -> str:
    if not is_word(word):
        return "punct"
    if _DIGITS.search(word):
        return "num"
    if word.isascii():
        return "latin"
    return f"len{min(len(stem), 8)}"


_DIGITS = re.compile(r"\d")


def word_info(word: str, lexicon: Lexicon) -> WordInfo:
    """Features describing the word itself, plus the lexicon facts its neighbours use."""
    stem = strip_article(word)
    clitics = word[: len(word) - len(stem)] if stem != word else "-"
    own = (
        "bias",
        "w=" + word,
        "s=" + stem,
        "p1=" + stem[:1],
        "p2=" + stem[:2],
        "p3=" + stem[:3],
        "x1=" + word[-1:],
        "x2=" + word[-2:],
        "x3=" + word[-3:],
        "cl=" + clitics,
        "sh=" + _shape(word, stem),
    )
    given = "fn" if lexicon.given_name(stem) else ""
    return WordInfo(stem, given, lexicon.name_word_type(stem), lexicon.cue(stem), own)


def sentence_features(
    words: Sequence[str], gaz_labels: Sequence[str], infos: Sequence[WordInfo]
) -> list[list[str]]:
    """One feature list per token; ``gaz_labels`` are BIO labels from gazetteer matches."""
    padded = [_PAD, _PAD, *zip(words, gaz_labels, infos, strict=True), _PAD, _PAD]
    out: list[list[str]] = []
    for j in range(2, len(padded) - 2):
        word, gaz, info = padded[j]
        (pw, pg, pi), (nw, ng, ni) = padded[j - 1], padded[j + 1]
        out.append(
            [
                *info.own,
                "g=" + gaz,
                "w-1=" + pw,
                "s-1=" + pi.stem,
                "g-1=" + pg,
                "w+1=" + nw,
                "s+1=" + ni.stem,
                "g+1=" + ng,
                "w-2=" + padded[j - 2][0],
                "w+2=" + padded[j + 2][0],
                "w-1|w=" + pw + "|" + word,
                "w|w+1=" + word + "|" + nw,
                "fn=" + info.given,
                "fn-1=" + pi.given,
                "fn+1=" + ni.given,
                "nt=" + info.name_type,
                "nt-1=" + pi.name_type,
                "nt+1=" + ni.name_type,
                "cue-1=" + pi.cue,
                "cue-2=" + padded[j - 2][2].cue,
                "cue+1=" + ni.cue,
            ]
        )
    return out


@dataclass(frozen=True, slots=True)
class Knowledge:
    """External knowledge the CRF sees: gazetteer matches and word lists."""

    gazetteer: Gazetteer
    lexicon: Lexicon
    _infos: dict[str, WordInfo] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def shipped(cls) -> Knowledge:
        gazetteer = load_gazetteer()
        return cls(gazetteer, build_lexicon(gazetteer))

    @classmethod
    def nothing(cls) -> Knowledge:
        """No gazetteer, no lists: the plain-CRF baseline."""
        return cls(Gazetteer([]), EMPTY_LEXICON)

    def features(self, words: Sequence[str]) -> tuple[list[GazMatch], list[list[str]]]:
        """Gazetteer matches and the CRF feature lists for one token sequence."""
        matches = self.gazetteer.find(words)
        labels = gazetteer_labels(len(words), matches)
        return matches, sentence_features(words, labels, [self._info(w) for w in words])

    def _info(self, word: str) -> WordInfo:
        info = self._infos.get(word)
        if info is None:
            if len(self._infos) > _CACHE_LIMIT:
                self._infos.clear()  # bounded memory in a long-running worker
            info = self._infos[word] = word_info(word, self.lexicon)
        return info


def gazetteer_labels(size: int, matches: Sequence[GazMatch]) -> list[str]:
    """BIO labels marking gazetteer matches: the CRF's membership feature."""
    labels = ["O"] * size
    for m in matches:
        labels[m.first] = "B-" + m.entry.type
        for i in range(m.first + 1, m.end):
            labels[i] = "I-" + m.entry.type
    return labels
