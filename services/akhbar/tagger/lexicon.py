"""Word lists the CRF consults as features: given names and words seen in gazetteer names.

Both come from outside ANERcorp (a hand-written list and the shipped gazetteer), so they
add knowledge without leaking the evaluation corpus into cross-validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from akhbar.core.normalize import match_form
from akhbar.tagger.gazetteer import DATA_DIR, Gazetteer
from akhbar.tagger.tokens import strip_article

FIRST_NAMES_PATH = DATA_DIR / "first_names.txt"
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
class Lexicon:
    """Given names, and for each word of a known name the entity types it occurs in."""

    first_names: frozenset[str]
    name_words: dict[str, str]

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


def read_first_names(path: Path = FIRST_NAMES_PATH) -> frozenset[str]:
    """Match forms of the hand-written given names (``#`` lines are comments)."""
    lines = (line for line in path.read_text(encoding="utf-8").splitlines())
    words = (w for line in lines if not line.startswith("#") for w in line.split())
    return frozenset(match_form(w) for w in words)


def build_lexicon(gazetteer: Gazetteer, path: Path = FIRST_NAMES_PATH) -> Lexicon:
    """Lexicon from the given-name list and the words of every gazetteer name."""
    types: dict[str, set[str]] = {}
    for key, kind in gazetteer.names():
        for word in key:
            stem = strip_article(word)
            if len(stem) >= _MIN_NAME_WORD:
                types.setdefault(stem, set()).add(kind)
    name_words = {w: "+".join(sorted(kinds)) for w, kinds in types.items()}
    return Lexicon(read_first_names(path), name_words)


EMPTY_LEXICON = Lexicon(frozenset(), {})
