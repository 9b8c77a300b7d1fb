"""Reader for the ANERcorp CAMeL Lab BIO file (``token TAG`` lines, blank between sentences).

Tags are mapped to the service's label set: PERS becomes PER, MISC becomes O (the tagger
does not output it). Tokens are turned into their match form so training sees exactly
what the tagger sees at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from akhbar.core.errors import DataFileMissing
from akhbar.core.normalize import match_form
from akhbar.tagger.bio import bio_spans

__all__ = ["ANERCORP_TRAIN", "Sentence", "bio_spans", "map_label", "read_sentences"]

# The training split ships in the repository (data/anercorp/, CC BY-SA 4.0, see its NOTICE);
# an installed wheel has no such folder, so training and evaluation take --corpus.
REPO_DATA = Path(__file__).resolve().parents[4] / "data"
ANERCORP_TRAIN = REPO_DATA / "anercorp" / "ANERCorp_CamelLab_train.txt"
_TYPE_MAP = {"PERS": "PER", "LOC": "LOC", "ORG": "ORG"}


@dataclass(frozen=True, slots=True)
class Sentence:
    """Match-form words and their BIO labels over PER/LOC/ORG; ``raw`` is the corpus text
    of each token (what the public API is fed when scoring through it)."""

    words: tuple[str, ...]
    labels: tuple[str, ...]
    raw: tuple[str, ...] = ()

    @property
    def display(self) -> tuple[str, ...]:
        """The corpus tokens (the match-form words for a sentence built without them)."""
        return self.raw or self.words


def map_label(tag: str) -> str:
    """ANERcorp tag to service label: B-PERS -> B-PER, *-MISC -> O."""
    if tag == "O" or "-" not in tag:
        return "O"
    prefix, kind = tag.split("-", 1)
    mapped = _TYPE_MAP.get(kind)
    return f"{prefix}-{mapped}" if mapped else "O"


def _word(raw: str) -> str:
    """Match form of one corpus token; a token that normalises away keeps its raw text."""
    return match_form(raw).replace(" ", "") or raw


def read_sentences(path: Path = ANERCORP_TRAIN) -> list[Sentence]:
    """All sentences of the file, in order (order matters for contiguous CV folds)."""
    if not path.is_file():
        raise DataFileMissing(f"ANERcorp training file not found: {path} (pass --corpus PATH; "
                              "the repository ships it in data/anercorp/)")
    sentences: list[Sentence] = []
    words: list[str] = []
    labels: list[str] = []
    raw: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2:
            if words:
                sentences.append(Sentence(tuple(words), tuple(labels), tuple(raw)))
                words, labels, raw = [], [], []
            continue
        raw.append(parts[0])
        words.append(_word(parts[0]))
        labels.append(map_label(parts[-1]))
    if words:
        sentences.append(Sentence(tuple(words), tuple(labels), tuple(raw)))
    return sentences
