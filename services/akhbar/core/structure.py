"""Paragraph structure: split lines into paragraphs, drop repeats, keep headings honest.

Repeats are found *sentence by sentence* on the match form, so a paragraph pasted twice,
a whole article pasted twice, or the same text re-broken into different paragraphs is
kept once. Short sentences and headings ("دمشق:") repeat legitimately and are only
dropped next to a repeated long sentence or when a heading has lost its section.
"""

from __future__ import annotations

import re

from akhbar.core.keys import plain_keys, plain_words
from akhbar.core.repair import tidy_punctuation

__all__ = ["dedup_paragraphs", "drop_headline_lines", "drop_headline_repeat", "split_paragraphs"]

MIN_SENTENCE_WORDS = 5  # shorter sentences repeat legitimately ("قال:", a dateline)
MAX_HEADING_WORDS = 4
MAX_JOINED_SENTENCES = 4  # open sentences a re-broken repeat may have run together
_CLOSED = tuple('.!?؟…:"\')')
REPEATED_ARTICLE_SHARE = 0.25  # dropped share of the body that counts as a pasted-twice article
_HAS_WORD = re.compile(r"[^\W_ـ]")  # tatweel alone is decoration
_CONTINUES = ("،", ",", "؛", ";")
# Starts with the space so the engine scans for spaces, not every position.
# A colon ends a unit too, so a heading ("دمشق:") glued to its section still matches.
_SENTENCE_BREAK = re.compile(r" (?<=[.!?؟…:] )| (?<=[.!?؟…:][\"')] )")


def _bump(removed: dict[str, int], kind: str, count: int = 1) -> None:
    removed[kind] = removed.get(kind, 0) + count


def split_paragraphs(text: str, removed: dict[str, int]) -> list[str]:
    """Lines become paragraphs; a line ending in a comma continues on the next line."""
    paragraphs: list[str] = []
    joinable = False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            joinable = False
        elif not _HAS_WORD.search(line):  # rules, dots, stars: a visual separator
            _bump(removed, "separators")
            joinable = False
        elif joinable:
            paragraphs[-1] = tidy_punctuation(f"{paragraphs[-1]} {line}")
            joinable = line.endswith(_CONTINUES)
        else:
            paragraphs.append(line)
            joinable = line.endswith(_CONTINUES)
    return paragraphs


def drop_headline_lines(title: str, text: str, removed: dict[str, int]) -> str:
    """Drop leading lines that only repeat the headline, before lines become paragraphs.

    A headline is a line of its own: one ending in a comma must not be joined to the
    lead as a continued line (and then be missed as a repeat).
    """
    title_words = plain_words(title)
    while title_words:
        first, newline, rest = text.lstrip().partition("\n")
        if not newline or len(first) > 2 * len(title) or plain_words(first) != title_words:
            break
        text = rest
        _bump(removed, "headline_repeat")
    return text


def drop_headline_repeat(title: str, paragraphs: list[str], removed: dict[str, int]) -> list[str]:
    """Drop leading paragraphs that only repeat the headline."""
    title_words = plain_words(title)
    while title_words and paragraphs and plain_words(paragraphs[0]) == title_words:
        paragraphs = paragraphs[1:]
        _bump(removed, "headline_repeat")
    return paragraphs


def _is_heading(paragraph: str) -> bool:
    return paragraph.endswith(":") and len(paragraph.split()) <= MAX_HEADING_WORDS


def sentence_keys(paragraphs: list[str]) -> list[tuple[list[str], list[str]]]:
    """Split every paragraph into sentences and their comparison keys (match-form words)."""
    split = [_SENTENCE_BREAK.split(paragraph) for paragraph in paragraphs]
    keys = iter(plain_keys([sentence for sentences in split for sentence in sentences]))
    return [(sentences, [next(keys) for _ in sentences]) for sentences in split]


class _Deduper:
    """Remembers the sentences seen so far and filters each new paragraph.

    A paragraph that ends without punctuation leaves an *open* sentence: pasted again
    with other breaks, it runs into the next sentence. A long sentence made of open
    sentences followed by a seen one is therefore a repeat too.
    """

    def __init__(self) -> None:
        self.seen_long: set[str] = set()
        self.seen_short: set[str] = set()
        self.open_by_first_word: dict[str, set[str]] = {}
        self.dropped_chars = 0

    def _seen(self, key: str, depth: int = 0) -> bool:
        if key in self.seen_long or key in self.seen_short:
            return True
        if depth >= MAX_JOINED_SENTENCES or not self.open_by_first_word:
            return False
        for open_key in self.open_by_first_word.get(key.partition(" ")[0], ()):
            rest = key[len(open_key) + 1 :]
            if key.startswith(open_key + " ") and self._seen(rest, depth + 1):
                return True
        return False

    def _remember(self, sentences: list[str], keys: list[str]) -> None:
        for key in keys:
            is_long = key.count(" ") + 1 >= MIN_SENTENCE_WORDS
            (self.seen_long if is_long else self.seen_short).add(key)
        if keys and keys[-1] and not sentences[-1].endswith(_CLOSED):
            self.open_by_first_word.setdefault(keys[-1].partition(" ")[0], set()).add(keys[-1])

    def filter(self, sentences: list[str], keys: list[str]) -> list[str]:
        """Return the sentences that are not repeats (may be empty).

        Sentences are taken in order, so a repeat inside the same paragraph (an article
        pasted twice on one line) is caught too.
        """
        opens = self.open_by_first_word
        if len(set(keys)) == len(keys) and not any(
            key in self.seen_long or key in self.seen_short
            or (opens and key.partition(" ")[0] in opens) for key in keys
        ):  # the common case: nothing in this paragraph was seen before
            self._remember(sentences, keys)
            return sentences
        long = [key.count(" ") + 1 >= MIN_SENTENCE_WORDS for key in keys]
        drop = [False] * len(keys)
        for i, key in enumerate(keys):
            if long[i]:
                drop[i] = self._seen(key)
                self.seen_long.add(key)
        for i, key in enumerate(keys):
            if not long[i]:
                if key in self.seen_short:
                    beside = (i > 0 and drop[i - 1]) or (i + 1 < len(keys) and drop[i + 1])
                    drop[i] = beside or not any(long)
                self.seen_short.add(key)
        self._remember(sentences, keys)
        kept = [s for s, dropped in zip(sentences, drop, strict=True) if not dropped]
        self.dropped_chars += sum(len(s) for s, d in zip(sentences, drop, strict=True) if d)
        return kept


def dedup_paragraphs(paragraphs: list[str], removed: dict[str, int]) -> list[str]:
    """Keep the first occurrence of every repeated sentence; drop emptied paragraphs."""
    deduper = _Deduper()
    result: list[str | None] = []
    previous: str | None = None
    for paragraph, (sentences, keys) in zip(paragraphs, sentence_keys(paragraphs), strict=True):
        words = " ".join(key for key in keys if key)
        if words == previous:  # the same line twice in a row, whatever its length
            _bump(removed, "duplicate_paragraphs")
            result.append(None)
            continue
        previous = words
        if _is_heading(paragraph):
            deduper.seen_short.update(keys)
            result.append(paragraph)
            continue
        kept = deduper.filter(sentences, keys)
        if not any(_HAS_WORD.search(sentence) for sentence in kept):  # "." left of ". قال"
            _bump(removed, "duplicate_paragraphs")
            result.append(None)
        else:
            if len(kept) < len(sentences):
                _bump(removed, "duplicate_sentences")
            result.append(" ".join(kept))
    total = sum(len(p) for p in paragraphs)
    if total and deduper.dropped_chars >= REPEATED_ARTICLE_SHARE * total:
        _bump(removed, "repeated_article")
    return _drop_orphan_headings(result, removed)


def _drop_orphan_headings(result: list[str | None], removed: dict[str, int]) -> list[str]:
    """Drop a heading whose section was removed as a repeat and is now empty."""
    kept: list[str] = []
    for i, paragraph in enumerate(result):
        if paragraph is None:
            continue
        if _is_heading(paragraph) and i + 1 < len(result) and result[i + 1] is None:
            following = next((p for p in result[i + 1 :] if p is not None), None)
            if following is None or _is_heading(following):
                _bump(removed, "orphan_headings")
                continue
        kept.append(paragraph)
    return kept
