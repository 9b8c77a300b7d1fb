"""Remove the page furniture that rides along with news copy.

"Related news" link lists, share/subscribe lines and photo credits. Every rule looks at
the *match form* of a short paragraph, so spelling variants (اقرأ أيضاً / إقرأ ايضا) meet
the same phrase, and long paragraphs are never touched. What ends a story (sign-offs, a
related list flattened into the last paragraph) is :mod:`akhbar.core.tail`'s.
"""

from __future__ import annotations

from akhbar.core.keys import plain_keys, plain_words

__all__ = ["MAX_LIST_WORDS", "RELATED_MARKERS", "remove_boilerplate", "starts_with"]

RELATED_MARKERS_LIST = (
    "اخبار ذات صله", "اقرا ايضا", "اقرا كذلك", "اقرا المزيد", "مواضيع ذات صله",
    "موضوعات ذات صله", "مقالات ذات صله", "روابط ذات صله", "اخبار متعلقه", "شاهد ايضا",
    "قد يهمك", "اخترنا لك", "الاكثر قراءه", "الاكثر مشاهده", "المزيد من الاخبار",
    "read more", "related news", "related articles", "see also",
)


def _folded_words(words: str) -> frozenset[str]:
    """Match forms of space-separated words (so على is stored as it is compared: علي)."""
    return frozenset(plain_words(words))


# Verbs that open a "follow us / subscribe" line; plain "شارك" is not one of them: it is
# also the news verb "took part" (شارك الآلاف في ...).
_FOLLOW_VERBS_LIST = ("تابعنا", "تابعونا", "اشترك", "اشتركوا", "للاشتراك", "انضم", "حمل تطبيق",
                      "نزل تطبيق", "subscribe", "follow us", "share")
_NETWORKS = _folded_words(
    "فيسبوك فيس بوك تويتر واتساب واتس اب تلغرام تليغرام تيليغرام انستغرام انستجرام يوتيوب "
    "لينكدان سناب شات ايميل قناتنا صفحتنا حسابنا x facebook twitter whatsapp telegram "
    "instagram youtube linkedin email"
)
# Everything a pure share bar may say ("شارك هذا الخبر على فيسبوك تويتر").
_SHARE_VOCABULARY = _NETWORKS | _folded_words(
    "شارك شاركها مشاركه انشر هذا الخبر المقال الرابط نسخ طباعه البريد الالكتروني على عبر "
    "share tweet print copy link"
)
_CREDIT_STARTS_LIST = ("تصوير", "الصوره", "صوره", "مصدر الصوره", "photo", "image", "credit")
CREDIT_COLON_WITHIN = 20  # characters: "مصدر الصورة:" fits
CREDIT_MAX_BARE_WORDS = 3  # "تصوير أحمد محمود" without a colon
MAX_SHORT_WORDS = 12  # a paragraph longer than this is copy, not furniture
MAX_LIST_WORDS = 15  # a link-list title line is at most this long
MAX_MARKER_WORDS = MAX_LIST_WORDS + 4  # a marker line may carry a first title after a colon
_LONE_MARKS = 6  # display tokens without letters tolerated in a short line


def _by_first_word(phrases: tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Index phrases (as match-form word tuples) by their first word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(plain_words(phrase))
        index.setdefault(words[0], []).append(words)
    return {first: tuple(group) for first, group in index.items()}


def starts_with(words: list[str], phrases: dict[str, tuple[tuple[str, ...], ...]]) -> bool:
    """True when ``words`` begin with one of the indexed ``phrases``."""
    if not words:
        return False
    return any(tuple(words[: len(p)]) == p for p in phrases.get(words[0], ()))


RELATED_MARKERS = _by_first_word(RELATED_MARKERS_LIST)
_FOLLOW_VERBS = _by_first_word(_FOLLOW_VERBS_LIST)
_CREDIT_STARTS = _by_first_word(_CREDIT_STARTS_LIST)


def _is_share_line(words: list[str]) -> bool:
    """True for 'share on Facebook / Twitter' and 'subscribe to our channel' lines."""
    if not words or len(words) > MAX_SHORT_WORDS:
        return False
    bare = [w[1:] if w.startswith("و") and w[1:] in _SHARE_VOCABULARY else w for w in words]
    if all(word in _SHARE_VOCABULARY for word in bare):
        return any(word in _NETWORKS or word.startswith("شار") for word in bare)
    return starts_with(words, _FOLLOW_VERBS) and any(w in _NETWORKS for w in bare[1:])


def _may_be_short(paragraph: str, limit: int) -> bool:
    """Cheap pre-check before folding: could ``paragraph`` have at most ``limit`` words?

    Display tokens are words with their punctuation attached, plus the odd lone dash.
    """
    return paragraph.count(" ") < limit + _LONE_MARKS


_WORDS_CACHE: dict[str, list[str]] = {}  # short lines recur: headings, credits, markers
_WORDS_CACHE_SIZE = 50_000


def _short_paragraph_words(paragraphs: list[str], limit: int) -> list[list[str] | None]:
    """Words of each paragraph that may have at most ``limit`` words (None for long ones)."""
    short = [p for p in paragraphs if _may_be_short(p, limit)]
    missing = list(dict.fromkeys(p for p in short if p not in _WORDS_CACHE))
    if len(_WORDS_CACHE) + len(missing) > _WORDS_CACHE_SIZE:
        _WORDS_CACHE.clear()
    for paragraph, key in zip(missing, plain_keys(missing), strict=True):
        _WORDS_CACHE[paragraph] = key.split()
    return [_WORDS_CACHE[p] if _may_be_short(p, limit) else None for p in paragraphs]


def _is_credit(paragraph: str, words: list[str]) -> bool:
    """'تصوير: ...', 'الصورة: ...': a caption word then a colon (or next to nothing).

    'صورة الرئيس تثير الجدل' is a sentence, so the colon (or a very short line) is required.
    """
    if not starts_with(words, _CREDIT_STARTS):
        return False
    return ":" in paragraph[:CREDIT_COLON_WITHIN] or len(words) <= CREDIT_MAX_BARE_WORDS


def _is_furniture(paragraph: str, words: list[str] | None) -> str | None:
    """Name the kind of furniture a short paragraph is, or None for copy."""
    if words is None or len(words) > MAX_SHORT_WORDS:
        return None
    if _is_share_line(words):
        return "share_lines"
    if _is_credit(paragraph, words):
        return "photo_credits"
    return None


def _drop_related_blocks(
    paragraphs: list[str], all_words: list[list[str] | None], removed: dict[str, int]
) -> tuple[list[str], list[list[str] | None]]:
    """Drop a 'related news' marker line and the short title lines that follow it."""
    kept: list[str] = []
    kept_words: list[list[str] | None] = []
    in_block = False
    for paragraph, words in zip(paragraphs, all_words, strict=True):
        if words is None:
            in_block = False
            kept.append(paragraph)
            kept_words.append(words)
            continue
        if len(words) <= MAX_MARKER_WORDS and starts_with(words, RELATED_MARKERS):
            in_block = True
        elif not (in_block and len(words) <= MAX_LIST_WORDS and not paragraph.endswith(".")):
            in_block = False  # link titles do not end with a full stop; copy does
        if in_block:
            removed["boilerplate_lines"] = removed.get("boilerplate_lines", 0) + 1
        else:
            kept.append(paragraph)
            kept_words.append(words)
    return kept, kept_words


def remove_boilerplate(paragraphs: list[str], removed: dict[str, int]) -> list[str]:
    """Return ``paragraphs`` without link lists, share lines and credits."""
    all_words = _short_paragraph_words(paragraphs, MAX_MARKER_WORDS)
    paragraphs, all_words = _drop_related_blocks(paragraphs, all_words, removed)
    kept: list[str] = []
    for paragraph, words in zip(paragraphs, all_words, strict=True):
        kind = _is_furniture(paragraph, words)
        if kind is None:
            kept.append(paragraph)
        else:
            removed[kind] = removed.get(kind, 0) + 1
    return kept
