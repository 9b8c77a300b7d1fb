"""CRF features for one token sequence (match-form words), declared once as templates.

Word identity, stem (clitics + article removed), prefixes/suffixes 1-3, clitic shape,
gazetteer membership (B-/I- + type), and the same facts about neighbours. Every feature
is a template that reads exactly one thing: the word at one offset, the gazetteer label
at one offset, or two adjacent words. The training path renders the templates as the
strings crfsuite learns from; :mod:`akhbar.tagger.scorer` compiles the same templates
into cached per-word weight vectors. A feature added to ``TEMPLATES`` reaches both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from akhbar.tagger.gazetteer import Gazetteer, GazMatch, load_gazetteer
from akhbar.tagger.knowledge import load_world
from akhbar.tagger.lexicon import (
    EMPTY_LEXICON,
    EMPTY_STATS,
    NOT_READ,
    UNSEEN,
    Lexicon,
    Seen,
    build_lexicon,
    freq_name,
)
from akhbar.tagger.tokens import CLITIC_LETTERS, is_word, strip_article

_CACHE_LIMIT = 200_000
_MIN_CLITIC_WORD = 3


@dataclass(frozen=True, slots=True)
class WordFacts:
    """What the templates may read about one word (computed once per word)."""

    word: str
    stem: str
    clitics: str
    shape: str
    given: str
    name_type: str
    cue: str
    behind: str = ""  # the word behind a bare proclitic (ولافروف -> لافروف), else ""
    seen_behind: Seen = NOT_READ  # labels of ``behind`` in the training sentences
    seen: Seen = UNSEEN  # labels of this exact word in the CRF's training sentences
    seen_stem: Seen = UNSEEN  # ... and of every training word with the same stem
    role: str = ""  # name-part role of the stem: g, s, gs ("c" + role: of ``behind``)
    freq: str = ""  # half-Zipf bucket of the word in general Arabic, "r" if rarer
    stem_freq: str = ""  # ... of the stem
    org: str = ""  # "oh": the stem is an organisation head noun
    nisba: str = ""  # "ni": ال + a stem ending like an adjective of origin

    def class_key(self) -> tuple[str, ...]:
        """Every fact but the word's own letters: all a non-identity template may read.

        Flat strings (the :class:`Seen` buckets spelled out): a tuple of strings hashes in C,
        and the scorer looks a key up once per new word."""
        behind, seen, stem = self.seen_behind, self.seen, self.seen_stem
        return (
            self.clitics, self.shape, self.given, self.name_type, self.cue,
            behind.per, behind.loc, behind.org, behind.outside,
            seen.per, seen.loc, seen.org, seen.outside,
            stem.per, stem.loc, stem.org, stem.outside,
            self.role, self.freq, self.stem_freq, self.org, self.nisba,
        )


@dataclass(frozen=True, slots=True)
class WordFeature:
    """``prefix + value(facts of the word at offset)``.

    ``identity``: the value reads the word, its stem or the word behind a clitic (one
    value per word). Every other template reads only :meth:`WordFacts.class_key`, so the
    scorer compiles those once per distinct key, not once per word.
    """

    prefix: str
    offset: int
    value: Callable[[WordFacts], str]
    identity: bool = False


@dataclass(frozen=True, slots=True)
class GazFeature:
    """``prefix + BIO label of the token at offset`` in one match channel.

    Channels (see :data:`CHANNELS`): the gazetteer, full person names from the names
    table, and GeoNames place names (labelled by population bucket).
    """

    prefix: str
    offset: int
    channel: int = 0


@dataclass(frozen=True, slots=True)
class PairFeature:
    """``prefix + word at offset + "|" + word at offset + 1``."""

    prefix: str
    offset: int


Template = WordFeature | GazFeature | PairFeature


def _nothing(_: WordFacts) -> str:
    return ""


def _word(f: WordFacts) -> str:
    return f.word


def _stem(f: WordFacts) -> str:
    return f.stem


def _given(f: WordFacts) -> str:
    return f.given


def _name_type(f: WordFacts) -> str:
    return f.name_type


def _cue(f: WordFacts) -> str:
    return f.cue


# The order is the order of the strings crfsuite sees: keep it, so retraining on
# unchanged templates gives the same model.
TEMPLATES: tuple[Template, ...] = (
    WordFeature("bias", 0, _nothing),
    WordFeature("w=", 0, _word, identity=True),
    WordFeature("s=", 0, _stem, identity=True),
    WordFeature("p1=", 0, lambda f: f.stem[:1], identity=True),
    WordFeature("p2=", 0, lambda f: f.stem[:2], identity=True),
    WordFeature("p3=", 0, lambda f: f.stem[:3], identity=True),
    WordFeature("x1=", 0, lambda f: f.word[-1:], identity=True),
    WordFeature("x2=", 0, lambda f: f.word[-2:], identity=True),
    WordFeature("x3=", 0, lambda f: f.word[-3:], identity=True),
    WordFeature("cl=", 0, lambda f: f.clitics),
    WordFeature("sh=", 0, lambda f: f.shape),
    GazFeature("g=", 0),
    WordFeature("w-1=", -1, _word, identity=True),
    WordFeature("s-1=", -1, _stem, identity=True),
    GazFeature("g-1=", -1),
    WordFeature("w+1=", 1, _word, identity=True),
    WordFeature("s+1=", 1, _stem, identity=True),
    GazFeature("g+1=", 1),
    WordFeature("w-2=", -2, _word, identity=True),
    WordFeature("w+2=", 2, _word, identity=True),
    PairFeature("w-1|w=", -1),
    PairFeature("w|w+1=", 0),
    WordFeature("fn=", 0, _given),
    WordFeature("fn-1=", -1, _given),
    WordFeature("fn+1=", 1, _given),
    WordFeature("nt=", 0, _name_type),
    WordFeature("nt-1=", -1, _name_type),
    WordFeature("nt+1=", 1, _name_type),
    WordFeature("cue-1=", -1, _cue),
    WordFeature("cue-2=", -2, _cue),
    WordFeature("cue+1=", 1, _cue),
    # How often the word (and its stem) was a PER/LOC/ORG in training text, bucketed.
    WordFeature("twP=", 0, lambda f: f.seen.per),
    WordFeature("twL=", 0, lambda f: f.seen.loc),
    WordFeature("twO=", 0, lambda f: f.seen.org),
    WordFeature("tw0=", 0, lambda f: f.seen.outside),
    # The same for the word behind a bare proclitic (ولافروف -> لافروف), and that word.
    WordFeature("ctP=", 0, lambda f: f.seen_behind.per),
    WordFeature("ctL=", 0, lambda f: f.seen_behind.loc),
    WordFeature("ctO=", 0, lambda f: f.seen_behind.org),
    WordFeature("ct0=", 0, lambda f: f.seen_behind.outside),
    WordFeature("cw=", 0, lambda f: f.behind, identity=True),
    WordFeature("tsP=", 0, lambda f: f.seen_stem.per),
    WordFeature("tsL=", 0, lambda f: f.seen_stem.loc),
    WordFeature("tsO=", 0, lambda f: f.seen_stem.org),
    WordFeature("ts0=", 0, lambda f: f.seen_stem.outside),
    # General knowledge (knowledge.py): name-part role, word frequency, org heads, nisba.
    WordFeature("r=", 0, lambda f: f.role),
    WordFeature("r-1=", -1, lambda f: f.role),
    WordFeature("r+1=", 1, lambda f: f.role),
    WordFeature("rf=", 0, lambda f: f.role + "|" + f.stem_freq),
    WordFeature("f=", 0, lambda f: f.freq),
    WordFeature("fs=", 0, lambda f: f.stem_freq),
    WordFeature("fs-1=", -1, lambda f: f.stem_freq),
    WordFeature("fs+1=", 1, lambda f: f.stem_freq),
    WordFeature("oh=", 0, lambda f: f.org),
    WordFeature("oh-1=", -1, lambda f: f.org),
    WordFeature("oh-2=", -2, lambda f: f.org),
    WordFeature("ni=", 0, lambda f: f.nisba),
    GazFeature("fm=", 0, 1),
    GazFeature("fm-1=", -1, 1),
    GazFeature("fm+1=", 1, 1),
    GazFeature("pl=", 0, 2),
    GazFeature("pl-1=", -1, 2),
    GazFeature("pl+1=", 1, 2),
    GazFeature("tp=", 0, 3),
    GazFeature("tp|g=", 0, 4),
    GazFeature("tp|pl=", 0, 5),
)

WORD_TEMPLATES: tuple[WordFeature, ...] = tuple(t for t in TEMPLATES if isinstance(t, WordFeature))
GAZ_TEMPLATES: tuple[GazFeature, ...] = tuple(t for t in TEMPLATES if isinstance(t, GazFeature))
PAIR_TEMPLATES: tuple[PairFeature, ...] = tuple(t for t in TEMPLATES if isinstance(t, PairFeature))
# Padding on each side: the farthest token any template reads.
WINDOW = max(max(-t.offset, t.offset + isinstance(t, PairFeature)) for t in TEMPLATES)
PAD_WORD = "<s>"
CHANNELS = ("gazetteer", "full names", "places", "topic", "topic|gazetteer", "topic|places")
Labels = tuple[str, str, str, str, str, str]  # one label per channel
PAD_GAZ: Labels = ("O", "O", "O", "", "|O", "|O")
_NISBA_ENDINGS = ("يون", "يين", "يه", "ي")


@dataclass(frozen=True, slots=True)
class WordInfo:
    """A word's facts and its rendered word-template strings (``WORD_TEMPLATES`` order)."""

    facts: WordFacts
    strings: tuple[str, ...]

    @classmethod
    def of(cls, facts: WordFacts) -> WordInfo:
        return cls(facts, tuple(t.prefix + t.value(facts) for t in WORD_TEMPLATES))


PAD_INFO = WordInfo.of(WordFacts(PAD_WORD, PAD_WORD, "", "pad", "", "", ""))


_LEN_SHAPES = tuple(f"len{n}" for n in range(9))
_HAS_DIGIT = re.compile(r"\d").search


def _shape(word: str, stem: str) -> str:
    if not is_word(word):
        return "punct"
    if _HAS_DIGIT(word):
        return "num"
    if word.isascii():
        return "latin"
    return _LEN_SHAPES[min(len(stem), 8)]


def word_facts(word: str, lexicon: Lexicon) -> WordFacts:
    """The word's own facts plus the lexicon facts its neighbours use.

    Runs once per new word on the tagger's first pass over a text, so the plain lookups of
    :class:`Lexicon` (given names, name words, name-part roles, frequency buckets,
    organisation heads) are read straight from its tables here.
    """
    stem = strip_article(word)
    bare = stem == word
    clitics = "-" if bare else word[: len(word) - len(stem)]
    first_names, name_words, world = lexicon.first_names, lexicon.name_words, lexicon.world
    given = "fn" if stem in first_names else ""
    name_type = name_words.get(stem, "")
    behind, seen_behind = "", NOT_READ
    parts = world.parts
    role = parts.get(stem, "") or parts.get(word, "")
    if bare and len(word) > _MIN_CLITIC_WORD and word[0] in CLITIC_LETTERS:
        # ومايكل، وفلاديمير، ولافروف: a bare proclitic hides a known name word from the
        # lists and from the corpus counts; read the word behind it too, marked apart
        # ("c..."), since واشنطن and بلير begin with those letters. 5-fold CV: given names
        # and name words +0.3, the word behind and its counts +0.5 more.
        behind = word[1:]
        seen_behind = lexicon.seen_word(behind)
        if not given and behind in first_names:
            given = "cfn"
        if not name_type and (behind_type := name_words.get(behind, "")):
            name_type = "c" + behind_type
        if not role and (behind_role := parts.get(behind, "")):
            role = "c" + behind_role
    nisba = "ni" if not bare and len(stem) > _MIN_CLITIC_WORD and stem.endswith(
        _NISBA_ENDINGS
    ) else ""
    freq = world.freq.get
    word_freq, stem_freq = freq(word), freq(stem)
    heads = world.org_heads
    return WordFacts(
        word,
        stem,
        clitics,
        _shape(word, stem),
        given,
        name_type,
        lexicon.cue(stem),
        behind,
        seen_behind,
        lexicon.seen_word(word),
        lexicon.seen_stem(stem),
        role,
        freq_name(word_freq),
        freq_name(stem_freq),
        "oh" if stem in heads or word in heads or behind in heads else "",
        nisba,
    )


def word_info(word: str, lexicon: Lexicon) -> WordInfo:
    """Facts and rendered strings of one word."""
    return WordInfo.of(word_facts(word, lexicon))


def _render_step(template: Template) -> Callable[[list[WordInfo], list[Labels], int], str]:
    """One template as a function of the padded sequence and a padded position."""
    if isinstance(template, WordFeature):
        slot = next(i for i, t in enumerate(WORD_TEMPLATES) if t is template)
        offset = template.offset
        return lambda infos, gaz, p: infos[p + offset].strings[slot]
    if isinstance(template, GazFeature):
        prefix, offset, channel = template.prefix, template.offset, template.channel
        return lambda infos, gaz, p: prefix + gaz[p + offset][channel]
    prefix, offset = template.prefix, template.offset
    return lambda infos, gaz, p: (
        prefix + infos[p + offset].facts.word + "|" + infos[p + offset + 1].facts.word
    )


_STEPS = tuple(_render_step(t) for t in TEMPLATES)


def sentence_features(
    words: Sequence[str], gaz_labels: Sequence[Labels], infos: Sequence[WordInfo]
) -> list[list[str]]:
    """One feature list per token (training and reference path; ``TEMPLATES`` order)."""
    if not len(words) == len(gaz_labels) == len(infos):
        raise ValueError("words, gazetteer labels and infos differ in length")
    pad = [PAD_INFO] * WINDOW
    padded = [*pad, *infos, *pad]
    gaz = [PAD_GAZ] * WINDOW + list(gaz_labels) + [PAD_GAZ] * WINDOW
    return [[step(padded, gaz, p) for step in _STEPS] for p in range(WINDOW, WINDOW + len(words))]


@dataclass(frozen=True, slots=True)
class Observation:
    """One sequence as the compiled scorer reads it: no strings, just what templates read."""

    words: Sequence[str]
    gaz_labels: list[Labels]
    knowledge: Knowledge


@dataclass(frozen=True, slots=True)
class Knowledge:
    """External knowledge the CRF sees: gazetteer matches and word lists."""

    gazetteer: Gazetteer
    lexicon: Lexicon
    _infos: dict[str, WordInfo] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def shipped(cls, counts: bool = True) -> Knowledge:
        """The shipped gazetteer and lists; ``counts=False`` leaves out the shipped corpus
        counts (training and cross-validation bring their own, so need no file)."""
        gazetteer = load_gazetteer()
        corpus = None if counts else EMPTY_STATS
        return cls(gazetteer, build_lexicon(gazetteer, corpus=corpus, world=load_world()))

    @classmethod
    def nothing(cls) -> Knowledge:
        """No gazetteer, no lists: the plain-CRF baseline."""
        return cls(Gazetteer([]), EMPTY_LEXICON)

    def features(
        self, words: Sequence[str], topics: Sequence[str] | None = None
    ) -> tuple[list[GazMatch], list[list[str]]]:
        """Gazetteer matches and the CRF feature strings for one token sequence.

        ``topics``: per-token topic labels read from a wider context (training reads them
        over the sentence's article-sized block, as the tagger does over its document).
        """
        matches, seen = self.observe(words, topics)
        return matches, sentence_features(words, seen.gaz_labels, [self.info(w) for w in words])

    def observe(
        self, words: Sequence[str], topics: Sequence[str] | None = None
    ) -> tuple[list[GazMatch], Observation]:
        """Gazetteer matches, and the sequence for :meth:`CrfModel.predict` (no strings)."""
        matches = self.gazetteer.find(words)
        world = self.lexicon.world
        size = len(words)
        fulls, places = world.full_names.find(words), world.places.find(words)
        if topics is None:
            topics = world.topic_labels(words)
        if len(topics) != size:
            raise ValueError("words and topic labels differ in length")
        # Outside every match a token's labels depend on its topic only: one tuple per
        # topic, and only the matched tokens get labels of their own.
        plain = {t: ("O", "O", "O", t, t + "|O", t + "|O") for t in set(topics)}
        labels: list[Labels] = [plain[t] for t in topics]
        matched = {i for ms in (matches, fulls, places) for m in ms for i in range(m.first, m.end)}
        if matched:
            gaz = gazetteer_labels(size, matches)
            full = gazetteer_labels(size, fulls)
            place = gazetteer_labels(size, places, by_name=True)
            for i in matched:
                t, g, p = topics[i], gaz[i], place[i]
                labels[i] = (g, full[i], p, t, t + "|" + g, t + "|" + p)
        return matches, Observation(words, labels, self)

    def info(self, word: str) -> WordInfo:
        """Cached facts and strings of one word."""
        info = self._infos.get(word)
        if info is None:
            if len(self._infos) > _CACHE_LIMIT:
                self._infos.clear()  # bounded memory in a long-running worker
            info = self._infos[word] = word_info(word, self.lexicon)
        return info


def gazetteer_labels(size: int, matches: Sequence[GazMatch], by_name: bool = False) -> list[str]:
    """BIO labels marking matches (``B-`` + the entry's type, or its canonical name)."""
    labels = ["O"] * size
    for m in matches:
        tag = m.entry.canonical if by_name else m.entry.type
        labels[m.first] = "B-" + tag
        for i in range(m.first + 1, m.end):
            labels[i] = "I-" + tag
    return labels
