"""CRF features for one token sequence (match-form words).

Word identity, stem (clitics + article removed), prefixes/suffixes 1-3, clitic shape,
gazetteer membership (B-/I- + type), and the same facts about neighbours. Built as lists
of strings, the fastest input python-crfsuite accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from akhbar.tagger.gazetteer import Gazetteer, GazMatch, load_gazetteer
from akhbar.tagger.lexicon import EMPTY_LEXICON, Lexicon, build_lexicon
from akhbar.tagger.tokens import is_word, strip_article

_PAD = ("<s>", "<s>", "O", "", "")


def _shape(word: str, stem: str) -> str:
    if not is_word(word):
        return "punct"
    if any(c.isdigit() for c in word):
        return "num"
    if word.isascii():
        return "latin"
    return f"len{min(len(stem), 8)}"


def _own(word: str, stem: str, gaz: str) -> list[str]:
    """Features that describe the token itself."""
    clitics = word[: len(word) - len(stem)] if stem != word else "-"
    return [
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
        "g=" + gaz,
    ]


def _info(word: str, gaz: str, lexicon: Lexicon) -> tuple[str, str, str, str, str]:
    stem = strip_article(word)
    given = "fn" if lexicon.given_name(stem) else ""
    return word, stem, gaz, given, lexicon.name_word_type(stem)


def sentence_features(
    words: Sequence[str], gaz_labels: Sequence[str], lexicon: Lexicon
) -> list[list[str]]:
    """One feature list per token; ``gaz_labels`` are BIO labels from gazetteer matches."""
    info = [_info(w, g, lexicon) for w, g in zip(words, gaz_labels, strict=True)]
    padded = [_PAD, _PAD, *info, _PAD, _PAD]
    out: list[list[str]] = []
    for i, (word, stem, gaz, given, name_type) in enumerate(info):
        j = i + 2
        prev, nxt = padded[j - 1], padded[j + 1]
        feats = _own(word, stem, gaz)
        feats += [
            "w-1=" + prev[0],
            "s-1=" + prev[1],
            "g-1=" + prev[2],
            "w+1=" + nxt[0],
            "s+1=" + nxt[1],
            "g+1=" + nxt[2],
            "w-2=" + padded[j - 2][0],
            "w+2=" + padded[j + 2][0],
            "w-1|w=" + prev[0] + "|" + word,
            "w|w+1=" + word + "|" + nxt[0],
            "fn=" + given,
            "fn-1=" + prev[3],
            "fn+1=" + nxt[3],
            "nt=" + name_type,
            "nt-1=" + prev[4],
            "nt+1=" + nxt[4],
        ]
        out.append(feats)
    return out


@dataclass(frozen=True, slots=True)
class Knowledge:
    """External knowledge the CRF sees: gazetteer matches and word lists."""

    gazetteer: Gazetteer
    lexicon: Lexicon

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
        return matches, sentence_features(words, labels, self.lexicon)


def gazetteer_labels(size: int, matches: Sequence[GazMatch]) -> list[str]:
    """BIO labels marking gazetteer matches: the CRF's membership feature."""
    labels = ["O"] * size
    for m in matches:
        labels[m.first] = "B-" + m.entry.type
        for i in range(m.first + 1, m.end):
            labels[i] = "I-" + m.entry.type
    return labels
