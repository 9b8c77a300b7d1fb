"""Labelled duplicate cases for the dedup evaluation, generated with a fixed seed.

Originals come from the repository only: ANERcorp (``data/anercorp/``) split into
pseudo-articles of 15-30 consecutive sentences, and the test articles written for the
project (``tests/data/articles/``). Every third pseudo-article is held out of the index
and only used to build hard negatives, so a negative never copies an indexed text.
Half the pseudo-articles carry a page tail (a "related news" list and a sign-off), so a
copy can come with another tail than its original's.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from akhbar.core.lead import find_dateline

REPO = Path(__file__).resolve().parents[1]
ANERCORP = REPO / "data" / "anercorp" / "ANERCorp_CamelLab_train.txt"
TEST_ARTICLES = REPO / "tests" / "data" / "articles"

Tagged = list[tuple[str, str]]


@dataclass(frozen=True)
class Article:
    """A title and paragraphs of sentences, so variants can drop or move whole units."""

    id: str
    title: str
    paragraphs: tuple[tuple[str, ...], ...]
    tail: tuple[str, ...] = ()  # lines after the story: a link list, a sign-off

    def text(self) -> str:
        return f"{self.title}\n{self.body()}"

    def body(self, tail: bool = True) -> str:
        lines = ["\n\n".join(" ".join(p) for p in self.paragraphs)]
        return "\n".join(lines + list(self.tail if tail else ()))

    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]


@dataclass(frozen=True)
class Case:
    """One article to check, with the verdict it should get."""

    id: str
    text: str
    kind: str
    expect: str  # "unique", "exact" or "near"
    source: str | None  # the indexed original it copies (or resembles, for negatives)


def read_anercorp(path: Path = ANERCORP) -> list[Tagged]:
    """Return ANERcorp's sentences as lists of ``(token, tag)``."""
    sentences: list[Tagged] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            sentences[-1].append((parts[0], parts[1]))
        elif sentences[-1]:
            sentences.append([])
    return [s for s in sentences if s]


def _paragraphs(sentences: list[str], rng: random.Random) -> tuple[tuple[str, ...], ...]:
    out: list[tuple[str, ...]] = []
    i = 0
    while i < len(sentences):
        size = rng.randint(2, 5)
        out.append(tuple(sentences[i : i + size]))
        i += size
    return tuple(out)


def make_article(article_id: str, sentences: list[str], rng: random.Random) -> Article:
    title = " ".join(sentences[0].split()[:12])
    return Article(article_id, title, _paragraphs(sentences, rng))


def anercorp_chunks(tagged: list[Tagged], rng: random.Random) -> Iterator[list[Tagged]]:
    """Yield runs of 15-30 consecutive sentences."""
    i = 0
    while i + 15 <= len(tagged):
        size = rng.randint(15, 30)
        yield tagged[i : i + size]
        i += size


def plain(chunk: list[Tagged]) -> list[str]:
    return [" ".join(tok for tok, _ in sentence) for sentence in chunk]


def project_articles(rng: random.Random, folder: Path = TEST_ARTICLES) -> list[Article]:
    """The project's own test articles: headline, blank line, paragraphs of sentences.

    A last paragraph of at most three words not ending in a full stop (a sign-off such
    as ``كونا`` or ``ع.م``) is the page's tail, so a copy can swap it for its own.
    """
    articles = []
    for path in sorted(folder.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        blocks = [p.strip() for p in body.split("\n\n") if p.strip()]
        last = blocks[-1]
        tail = (blocks.pop(),) if len(last.split()) <= 3 and not last.endswith(".") else ()
        paragraphs = tuple(tuple(s for s in re.split(r"(?<=[.!?؟])\s+", p) if s) for p in blocks)
        articles.append(Article(f"article-{path.stem}", title.strip(), paragraphs, tail))
    return articles


# --- exact variants: only spellings that the match form unifies ---------------------------

_HARAKAT = [chr(c) for c in range(0x064B, 0x0653)]
_SWAPS = {"ا": "أإآا", "أ": "اأإ", "إ": "اإأ", "ي": "يى", "ى": "يى", "ة": "هة", "ه": "هة"}
_QUOTES = [("«", "»"), ("“", "”"), ('"', '"')]


def _per_char(text: str, rng: random.Random, rate: float, edit: Callable[[str], str]) -> str:
    return "".join(edit(ch) if rng.random() < rate else ch for ch in text)


def add_diacritics(text: str, rng: random.Random) -> str:
    def mark(ch: str) -> str:
        return ch + rng.choice(_HARAKAT) if "\u0621" <= ch <= "\u064a" else ch

    return _per_char(text, rng, 0.35, mark)


def add_tatweel(text: str, rng: random.Random) -> str:
    return re.sub(r"(?<=[\u0628-\u064a])(?=[\u0628-\u064a])",
                  lambda _: "\u0640" if rng.random() < 0.08 else "", text)


def swap_letters(text: str, rng: random.Random) -> str:
    """Swap letters within the classes match_form unifies, at word ends and starts."""
    words = []
    for word in text.split(" "):
        if word and word[0] in "اأإ" and rng.random() < 0.5:
            word = rng.choice(_SWAPS[word[0]]) + word[1:]
        if word and word[-1] in "يىةه" and rng.random() < 0.5:
            word = word[:-1] + rng.choice(_SWAPS[word[-1]])
        words.append(word)
    return " ".join(words)


def indic_digits(text: str, rng: random.Random) -> str:
    """Another outlet's digits; the text's own HTML entities (&#0;) keep theirs."""
    base = 0x0660 if rng.random() < 0.7 else 0x06F0
    return re.sub(r"&#[0-9]+;|[0-9]",
                  lambda m: m.group() if len(m.group()) > 1 else chr(base + int(m.group())), text)


def restyle_quotes(text: str, rng: random.Random) -> str:
    opening, closing = rng.choice(_QUOTES)
    parts = text.split('"')
    return "".join(p + (opening if i % 2 == 0 else closing) for i, p in enumerate(parts[:-1])) + (
        parts[-1]
    )


def mess_whitespace(text: str, rng: random.Random) -> str:
    spaces = ["  ", "\u00a0", " \n", "\t", " \u200c"]
    return "  " + re.sub(" ", lambda _: rng.choice(spaces) if rng.random() < 0.1 else " ",
                         text) + "\n "


EXACT_EDITS: dict[str, Callable[[str, random.Random], str]] = {
    "diacritics": add_diacritics,
    "tatweel": add_tatweel,
    "letter_variants": swap_letters,
    "indic_digits": indic_digits,
    "quotes": restyle_quotes,
    "whitespace": mess_whitespace,
}


def all_exact_edits(text: str, rng: random.Random) -> str:
    for edit in EXACT_EDITS.values():
        text = edit(text, rng)
    return text


# --- near variants: the same article, edited ----------------------------------------------

DATELINES = ["القاهرة (رويترز) -", "دمشق - أ ف ب:", "بيروت ـ «الحياة»", "عمان - بترا -",
             "الرياض - واس:", "باريس (أ ش أ) -"]
BOILERPLATE = [
    "اقرأ أيضا: تابعوا آخر الأخبار العاجلة على موقعنا وحساباتنا على مواقع التواصل الاجتماعي",
    "جميع الحقوق محفوظة للناشر ولا يجوز إعادة النشر دون إذن مسبق . شارك هذا الخبر عبر "
    "فيسبوك وتويتر وواتساب",
    "للاشتراك في النشرة البريدية أدخل بريدك الإلكتروني . المقالات المنشورة تعبر عن رأي "
    "كتابها",
]


def _with_sentences(article: Article, sentences: list[str], rng: random.Random) -> Article:
    return replace(article, paragraphs=_paragraphs(sentences, rng))


def drop_sentence(article: Article, rng: random.Random) -> str:
    sentences = article.sentences()
    del sentences[rng.randrange(1, len(sentences))]
    return replace(article, paragraphs=(tuple(sentences),)).text()


def drop_paragraph(article: Article, rng: random.Random) -> str:
    """Drop one paragraph that is not the lead and holds at most 15 % of the words."""
    total = len(article.text().split())
    small = [i for i, p in enumerate(article.paragraphs)
             if i > 0 and len(" ".join(p).split()) <= 0.15 * total]
    if not small:
        return drop_sentence(article, rng)
    gone = rng.choice(small)
    kept = tuple(p for i, p in enumerate(article.paragraphs) if i != gone)
    return replace(article, paragraphs=kept).text()


def edit_words(article: Article, rng: random.Random, rate: float = 0.0) -> str:
    """Replace, delete or duplicate 2-4 % of the words (a copy editor's pass)."""
    rate = rate or rng.uniform(0.02, 0.04)
    words = article.text().split(" ")
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < 2 * rate / 3:
            out.append(rng.choice(words))
        elif roll < rate:
            out.extend([word, rng.choice(words)])
        else:
            out.append(word)
    return " ".join(out)


def reorder_paragraphs(article: Article, rng: random.Random) -> str:
    body = list(article.paragraphs[1:])
    rng.shuffle(body)
    return replace(article, paragraphs=(article.paragraphs[0], *body)).text()


def append_boilerplate(article: Article, rng: random.Random) -> str:
    return article.text() + "\n\n" + rng.choice(BOILERPLATE)


def prepend_dateline(article: Article, rng: random.Random) -> str:
    return f"{article.title}\n{rng.choice(DATELINES)} " + article.text().split("\n", 1)[1]


def combined(article: Article, rng: random.Random) -> str:
    edited = replace(article, title=f"{article.title} ({rng.choice(DATELINES)})")
    text = edit_words(edited, rng, rate=0.01)
    return all_exact_edits(text + "\n" + rng.choice(BOILERPLATE), rng)


# --- page structure: datelines, standfirsts, link lists and sign-offs ---------------------

PLACES = ["القاهرة", "دمشق", "بيروت", "عمان", "الرياض", "بغداد", "الدوحة", "تونس", "الرباط",
          "رام الله", "الخرطوم", "صنعاء", "أنقرة", "موسكو", "باريس", "جنيف"]
AGENCIES = ["رويترز", "أ ف ب", "فرانس برس", "د ب أ", "الأناضول", "سانا", "وفا", "أ ش أ", "قنا",
            "كونا", "وام", "واس", "شينخوا", "وكالات"]
OUTLETS = ["الحياة", "المستقبل", "الشرق", "النهار", "الغد"]
DATELINE_SHAPES = ["{place} ({agency}) -", "{place} ({agency})-", "{place} - ({agency}) -",
                   "{place} - {agency}:", "{place} ـ «{outlet}»"]
RELATED_LABELS = ["أخبار ذات صلة", "اقرأ أيضا", "أخبار متعلقة", "مواضيع ذات صلة", "اقرأ أيضاً:"]
SIGNOFFS = ["(رويترز)", "(أ ف ب)", "ع.م", "ر.ت/م.ع", "أ ش أ", "المصدر: وكالات", "(د ب أ)"]


def random_dateline(rng: random.Random) -> str:
    """A dateline in one of the shapes newsrooms use, with a random place and agency."""
    return rng.choice(DATELINE_SHAPES).format(place=rng.choice(PLACES),
                                              agency=rng.choice(AGENCIES),
                                              outlet=rng.choice(OUTLETS))


def related_titles(titles: Sequence[str], rng: random.Random) -> list[str]:
    """2-5 headlines of other stories, as a page's "related news" list shows them."""
    picked = rng.sample(list(titles), rng.randint(2, 5))
    return [" ".join(t.split()[: rng.randint(5, 10)]).strip(" .،,:") for t in picked]


def block_tail(titles: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    """A link list with its label on lines of its own, then maybe a sign-off line."""
    label = rng.choice(RELATED_LABELS).rstrip(":")
    signoff = [rng.choice(SIGNOFFS)] if rng.random() < 0.7 else []
    return (label, *related_titles(titles, rng), *signoff)


def flattened_tail(titles: Sequence[str], rng: random.Random) -> str:
    """A list run into the end of the last paragraph, with a sign-off before it (a bracketed
    tag) or on the line after it."""
    label = rng.choice(RELATED_LABELS)
    items = " - ".join(related_titles(titles, rng))
    listed = f" {label} {items}" if label.endswith(":") else f" - {label} - {items}"
    signoff = rng.choice(SIGNOFFS)
    if signoff.startswith("(") and rng.random() < 0.5:
        return f" {signoff}{listed}"
    return f"{listed}\n{signoff}"


def with_tail(article: Article, titles: Sequence[str], rng: random.Random) -> Article:
    """The article as a page shows it: followed by a block link list and a sign-off."""
    return replace(article, tail=block_tail(titles, rng))


def flatten_tail(article: Article, rng: random.Random, titles: Sequence[str]) -> str:
    """The page turned into one paragraph at the end: its link list (or a new one) inline."""
    tail = article.tail or block_tail(titles, rng)
    label, *rest = tail
    signoff = rest.pop() if rest and rest[-1] in SIGNOFFS else None
    body = replace(article, tail=()).text()
    return f"{body} - {label} - {' - '.join(rest)}" + (f"\n{signoff}" if signoff else "")


def undated(article: Article) -> Article:
    """The article without the dateline opening it, if it has one (a copy puts its own)."""
    first, *rest = article.paragraphs[0]
    probe = first.replace("«", '"').replace("»", '"')  # the cleaner reads «» as "
    found = find_dateline(probe)
    if found is None:
        return article
    first = first[found.end :].strip()
    lead = tuple(s for s in (first, *rest) if s)
    paragraphs = (lead, *article.paragraphs[1:]) if lead else article.paragraphs[1:]
    return replace(article, paragraphs=paragraphs)


def swap_tail(article: Article, rng: random.Random, titles: Sequence[str]) -> str:
    """Another outlet's copy: its own dateline, 1 % of words edited, another tail, flattened."""
    edited = edit_words(replace(undated(article), tail=()), rng, rate=0.01)
    title, _, body = edited.partition("\n")
    return f"{title}\n{random_dateline(rng)} {body}{flattened_tail(titles, rng)}"


def standfirst(article: Article, rng: random.Random, titles: Sequence[str]) -> str:
    """The lead paragraph repeated as a standfirst above the dated lead."""
    article = undated(article)
    lead = " ".join(article.paragraphs[0])
    return f"{article.title}\n{lead}\n\n{random_dateline(rng)} {article.body()}"


NearEdit = Callable[[Article, random.Random, Sequence[str]], str]


def _ignoring_titles(edit: Callable[[Article, random.Random], str]) -> NearEdit:
    return lambda article, rng, titles: edit(article, rng)


NEAR_EDITS: dict[str, NearEdit] = {
    "drop_sentence": _ignoring_titles(drop_sentence),
    "drop_paragraph": _ignoring_titles(drop_paragraph),
    "edit_words": _ignoring_titles(edit_words),
    "reorder_paragraphs": _ignoring_titles(reorder_paragraphs),
    "boilerplate": _ignoring_titles(append_boilerplate),
    "dateline": _ignoring_titles(prepend_dateline),
    "near_and_exact_mix": _ignoring_titles(combined),
    "flattened_tail": flatten_tail,
    "standfirst": standfirst,
    "tail_swap_dateline_1pct": swap_tail,
}


# --- hard negatives: different articles that look alike ----------------------------------


def entities(chunk: list[Tagged]) -> list[str]:
    """Return the named-entity spans of a tagged chunk, in order."""
    spans: list[list[str]] = []
    for sentence in chunk:
        for token, tag in sentence:
            if tag.startswith("B-") or (tag.startswith("I-") and not spans):
                spans.append([token])
            elif tag.startswith("I-"):
                spans[-1].append(token)
    return [" ".join(s) for s in spans]


def swap_entities(chunk: list[Tagged], names: list[str], rng: random.Random) -> list[str]:
    """Rewrite ``chunk`` with every entity replaced by one of ``names`` (another story's)."""
    out = []
    for sentence in chunk:
        tokens = [rng.choice(names) if tag.startswith("B-") else tok
                  for tok, tag in sentence if not tag.startswith("I-")]
        out.append(" ".join(tokens))
    return out
