"""Word lists the CRF consults as features: given names, words of gazetteer names, and
how each word was labelled in the training corpus.

Given names and name words come from outside ANERcorp (a hand-written list and the
shipped gazetteer). The corpus counts (:class:`CorpusStats`) come from the CRF's own
training sentences only: in cross-validation from the training folds, never the held-out
one; shipped, from the same split the shipped model was trained on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from akhbar.core.errors import DataFileMissing
from akhbar.core.normalize import match_form
from akhbar.tagger.gazetteer import DATA_DIR, Gazetteer
from akhbar.tagger.knowledge import EMPTY_WORLD, World
from akhbar.tagger.tokens import strip_article

FIRST_NAMES_PATH = DATA_DIR / "first_names.txt"
CORPUS_STATS_PATH = DATA_DIR / "word_stats.tsv"
ENTITY_KINDS = ("PER", "LOC", "ORG")
COMMON_SHARE = 0.5  # a word is "common" if at least this share of its uses were not names
_MIN_NAME_WORD = 3

# Words that announce a person's name in news prose (stems: clitics and ال removed).
_TITLES = (
    "رييس رييسه وزير وزيره سيد سيده شيخ امير اميره ملك ملكه عاهل مستشار مستشاره جنرال "
    "عقيد عميد لواء نايب نايبه سفير سفيره دكتور مدير مديره زعيم قايد امين مبعوث موفد "
    "متحدث متحدثه ناطق ناطقه مساعد مساعده مندوب نجم لاعب مدرب كاتب روايي فنان شاعر "
    "مطران بابا امام حاخام قاضي محامي مراسل"
)
_SPEECH = "قال قالت اضاف اضافت اكد اكدت اعلن اعلنت صرح صرحت اوضح اوضحت اشار اشارت ذكر ذكرت"
TITLE_WORDS = frozenset(match_form(w) for w in _TITLES.split())
SPEECH_WORDS = frozenset(match_form(w) for w in _SPEECH.split())


@dataclass(frozen=True, slots=True)
class Seen:
    """How a word was labelled in training text: a share bucket per type, or never/unseen.

    Buckets (``hi`` >= 60 %, ``mid`` >= 25 %, ``lo`` > 0, else empty) generalise better
    than the word itself: the CRF learns how far to trust "usually a person" for any word.
    """

    per: str = ""
    loc: str = ""
    org: str = ""
    outside: str = "unseen"


UNSEEN = Seen()
NOT_READ = Seen(outside="")  # a fact that does not apply to this word (no bucket at all)


def _bucket(count: int, total: int) -> str:
    if not count:
        return ""
    share = count / total
    return "hi" if share >= 0.6 else "mid" if share >= 0.25 else "lo"


@lru_cache(maxsize=4096)
def _seen(counts: tuple[int, int, int, int]) -> Seen:
    """``counts`` is (PER, LOC, ORG, O); cached: few distinct count tuples are common."""
    total = sum(counts)
    per, loc, org = (_bucket(c, total) for c in counts[:3])
    return Seen(per, loc, org, "O" if counts[3] == total else "")


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Label counts (PER, LOC, ORG, O) per word of some labelled sentences."""

    counts: dict[str, tuple[int, int, int, int]]

    @classmethod
    def from_labelled(cls, sentences: Iterable[tuple[Sequence[str], Sequence[str]]]) -> CorpusStats:
        """Count BIO labels (``B-PER``, ``I-LOC``, ``O``...) per word."""
        table: dict[str, list[int]] = {}
        for words, labels in sentences:
            for word, label in zip(words, labels, strict=True):
                kind = label[2:]
                slot = ENTITY_KINDS.index(kind) if kind in ENTITY_KINDS else 3
                table.setdefault(word, [0, 0, 0, 0])[slot] += 1
        return cls({w: (c[0], c[1], c[2], c[3]) for w, c in table.items()})

    @classmethod
    def read(cls, path: Path = CORPUS_STATS_PATH) -> CorpusStats:
        """Counts written by :meth:`write`; no file means no counts (a feature-less lexicon)."""
        if not path.is_file():
            return EMPTY_STATS
        table: dict[str, tuple[int, int, int, int]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            word, *rest = line.split("\t")
            per, loc, org, outside = (int(x) for x in rest)
            table[word] = (per, loc, org, outside)
        return cls(table)

    def write(self, path: Path = CORPUS_STATS_PATH) -> None:
        lines = (f"{w}\t" + "\t".join(map(str, c)) for w, c in sorted(self.counts.items()))
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    def by_stem(self) -> dict[str, tuple[int, int, int, int]]:
        """The same counts summed over words with the same stem (clitics and ال removed)."""
        table: dict[str, list[int]] = {}
        for word, counts in self.counts.items():
            row = table.setdefault(strip_article(word), [0, 0, 0, 0])
            for i, c in enumerate(counts):
                row[i] += c
        return {w: (c[0], c[1], c[2], c[3]) for w, c in table.items()}


EMPTY_STATS = CorpusStats({})


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Given names, the entity types of known-name words, and training-corpus label counts."""

    first_names: frozenset[str]
    name_words: dict[str, str]
    corpus: CorpusStats = EMPTY_STATS
    _stems: dict[str, tuple[int, int, int, int]] = field(
        default_factory=dict, compare=False, repr=False
    )
    world: World = EMPTY_WORLD

    def with_corpus(self, corpus: CorpusStats) -> Lexicon:
        """The same lists with other corpus counts (one per CV training fold)."""
        return replace(self, corpus=corpus, _stems=corpus.by_stem())

    def role(self, stem: str) -> str:
        """``"g"`` (given name), ``"s"`` (surname), ``"gs"`` or ``""`` from the names table."""
        return self.world.parts.get(stem, "")

    def seen_word(self, word: str) -> Seen:
        """Label buckets of this exact word (clitics included) in the training corpus."""
        counts = self.corpus.counts.get(word)
        return UNSEEN if counts is None else _seen(counts)

    def common_word(self, word: str) -> bool:
        """Seen in the training text (as itself or its stem) and mostly not as a name there."""
        counts = self.corpus.counts.get(word) or self._stems.get(strip_article(word))
        return counts is not None and counts[3] >= COMMON_SHARE * sum(counts)

    def seen_stem(self, stem: str) -> Seen:
        """Label buckets of all training words with this stem."""
        counts = self._stems.get(stem)
        return UNSEEN if counts is None else _seen(counts)

    def given_name(self, stem: str) -> bool:
        return stem in self.first_names

    @staticmethod
    def cue(stem: str) -> str:
        """``"title"`` or ``"speech"`` for words that tend to sit next to a name."""
        if stem in TITLE_WORDS:
            return "title"
        return "speech" if stem in SPEECH_WORDS else ""

    def name_word_type(self, stem: str) -> str:
        """``"PER"``, ``"LOC+ORG"``, ... or ``""`` for a word in no known name."""
        return self.name_words.get(stem, "")


_BUCKET_NAMES = {n: str(n) for n in range(32)}  # prebuilt: read once per new word


def freq_name(bucket: int | None) -> str:
    """A word's half-Zipf bucket in general Arabic (``world.freq``) as a feature value
    (``"r"``: rarer than Zipf 2)."""
    if bucket is None:
        return "r"
    return _BUCKET_NAMES.get(bucket) or str(bucket)


def read_first_names(path: Path = FIRST_NAMES_PATH) -> frozenset[str]:
    """Match forms of the hand-written given names (``#`` lines are comments)."""
    lines = (line for line in path.read_text(encoding="utf-8").splitlines())
    words = (w for line in lines if not line.startswith("#") for w in line.split())
    return frozenset(match_form(w) for w in words)


def build_lexicon(
    gazetteer: Gazetteer,
    path: Path = FIRST_NAMES_PATH,
    corpus: CorpusStats | None = None,
    stats_path: Path = CORPUS_STATS_PATH,
    world: World = EMPTY_WORLD,
) -> Lexicon:
    """Lexicon from the given-name list, the words of every gazetteer name, corpus counts.

    Without ``corpus`` the shipped counts (``data/word_stats.tsv``, written with the
    shipped model) are read, and must be there: the shipped CRF learnt to lean on them,
    and without them it would still run but miss names (a broken install must not look
    like a working one). Cross-validation always replaces them per training fold.
    """
    if corpus is None and not stats_path.is_file():
        raise DataFileMissing(
            f"{stats_path} is missing: the shipped CRF reads these corpus counts as "
            "features; reinstall akhbar, or rerun `python -m akhbar.tagger.training.train`, which "
            "writes the model and the counts together"
        )
    types: dict[str, set[str]] = {}
    for key, kind in gazetteer.names():
        for word in key:
            stem = strip_article(word)
            if len(stem) >= _MIN_NAME_WORD:
                types.setdefault(stem, set()).add(kind)
    name_words = {w: "+".join(sorted(kinds)) for w, kinds in types.items()}
    stats = CorpusStats.read(stats_path) if corpus is None else corpus
    return Lexicon(read_first_names(path), name_words, world=world).with_corpus(stats)


EMPTY_LEXICON = Lexicon(frozenset(), {})
