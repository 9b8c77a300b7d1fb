"""Display repairs that keep the text faithful: invisible junk out, one quote style, tidy spacing.

Most passes are chained ``str.replace``/``split`` gated by one-character ``in`` tests
(a regex scan costs far more per character on Arabic text). The few regexes are plain
character-class runs with fixed-width look-arounds: no nested quantifiers, so the cost
stays linear even on hostile input (1 MB of dots or tatweel). Quotes are unified to the
straight ``"``: turning ``"`` into ``«»`` would need open/close pairing, which fails on
the unbalanced quotes real copy is full of.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["STRAY_LETTERS", "repair_text", "tidy_punctuation"]

_NEWLINES = (("\r\n", "\n"), ("\r", "\n"), ("\u2028", "\n"), ("\u2029", "\n"),
             ("\u0085", "\n"), ("\f", "\n"), ("\v", "\n"))
_INVISIBLE = ("\u200b", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u061c", "\u2060",
              "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
              "\u2066", "\u2067", "\u2068", "\u2069")
_SPACES = ("\u00a0", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004", "\u2005",
           "\u2006", "\u2007", "\u2008", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000")
_QUOTES = (("“", '"'), ("”", '"'), ("„", '"'), ("‟", '"'), ("«", '"'), ("»", '"'),
           ("″", '"'), ("‘", "'"), ("’", "'"), ("‚", "'"), ("‛", "'"))

# Letters of the Persian/Urdu alphabets that standard Arabic never uses: seen pasted
# where a line break belonged (".پ", ".پپپ").
STRAY_LETTERS = "پچژگڤکیٹڈڑںےۓ"
_AR_LETTER = "\u0621-\u063a\u0641-\u064a"
_SENTENCE_END = '.!?؟…:"'
_STRAY_RUN = re.compile(
    rf"(?<=[{_SENTENCE_END}])[{STRAY_LETTERS}]{{1,3}}(?= ?[{_AR_LETTER}\n]| ?$)"
)
# A stray-set letter after a space, a letter or at the start is a real letter here.
_STRAY_IN_WORD = re.compile(rf"(?<![^\s{_AR_LETTER}\u064b-\u0652])[{STRAY_LETTERS}]")
_STRAY_LATIN = re.compile(rf"(?<=[{_AR_LETTER}][.!?؟])[A-Za-z](?= ?[{_AR_LETTER}])")

_OUTSIDE_FAST = re.compile(r"[^\x00-\x7f\u0600-\u06ff]")
_NOT_OUTSIDE_LEAD = bytes(b for b in range(256) if not (0xC2 <= b <= 0xD7 or b >= 0xDC))
# Control characters and lone surrogates: never text, and a surrogate cannot be encoded.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]+")
_PRESENTATION = re.compile(r"[\ufb50-\ufdf9\ufe70-\ufefc]+")


def _present(needle: str, text: str) -> bool:
    """``needle in text``, gated by its characters: a one-character test is a memchr,
    a longer needle costs a full search (measured ~15x slower on Arabic text)."""
    if len(needle) == 1:
        return needle in text
    return needle[0] in text and needle[-1] in text and needle in text


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """Chained ``str.replace``, skipping absent needles (fast on Arabic text)."""
    for old, new in pairs:
        if _present(old, text):
            text = text.replace(old, new)
    return text


_INVISIBLE_PAIRS = tuple((ch, "") for ch in _INVISIBLE)
_SPACE_PAIRS = tuple((ch, " ") for ch in _SPACES)
# ZWNJ/ZWJ shape the letters on each side (Persian writes them inside words); beside a
# space or line break they shape nothing and only keep a space from meeting its mark.
_JOINER_PAIRS = tuple((pair, pair.replace(j, "")) for j in ("\u200c", "\u200d")
                      for pair in (f" {j}", f"{j} ", f"\n{j}", f"{j}\n"))


_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))


def _has_ascii_letter(text: str) -> bool:
    return bool(text.encode("utf-8", "surrogatepass").translate(None, _NOT_ASCII_LETTER))


def _split_stray_separators(text: str, removed: dict[str, int]) -> str:
    """Turn stray letters standing where a line break belonged into a line break."""
    count = 0
    if any(ch in text for ch in STRAY_LETTERS) and _STRAY_RUN.search(text):
        # A letter a Persian or Urdu text (or name) really uses is not a separator here.
        in_words = frozenset(m.group() for m in _STRAY_IN_WORD.finditer(text))

        def _replace(match: re.Match[str]) -> str:
            nonlocal count
            if in_words.intersection(match.group()):
                return match.group()
            count += 1
            return "\n"

        text = _STRAY_RUN.sub(_replace, text)
    text, latin = _STRAY_LATIN.subn("\n", text) if _has_ascii_letter(text) else (text, 0)
    if count + latin:
        removed["separators"] = removed.get("separators", 0) + count + latin
    return text


def _unfold_presentation_forms(text: str) -> str:
    """Replace Arabic presentation forms (old PDFs, some CMSs) by the letters they show."""
    return _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _collapse(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """Apply shrinking replacements until none applies (each pass halves a run)."""
    while True:
        before = text
        text = _replace_all(text, pairs)
        if text is before:
            return text


_AR_LETTERS = frozenset(chr(c) for c in [*range(0x0621, 0x063B), *range(0x0641, 0x064B)])
_BEFORE_TATWEEL = _AR_LETTERS | frozenset(chr(c) for c in range(0x064B, 0x0653))
_SPACE_PAIRS_RUN = (("  ", " "), (" \n", "\n"), ("\n ", "\n"))
_DOTS_PAIRS = (("..", "…"), (".…", "…"), ("….", "…"), ("……", "…"))
_MARKS_BEFORE_WORD = ".،؛!?؟…:"


def _tidy_tatweel(text: str) -> str:
    """Drop tatweel between two letters (pure elongation); shorten other runs to one."""
    text = _collapse(text, (("ــ", "ـ"),))
    pieces = text.split("ـ")
    out = [pieces[0]]
    for piece in pieces[1:]:
        before = out[-1][-1:] if out[-1] else ""
        joins = before in _BEFORE_TATWEEL and piece[:1] in _AR_LETTERS
        out.append(piece if joins else "ـ" + piece)
    return "".join(out)


def _space_after_marks(text: str) -> str:
    """Put the lost space back between a sentence mark and the next Arabic word."""
    for mark in _MARKS_BEFORE_WORD:
        if mark in text:
            pieces = text.split(mark)
            text = pieces[0] + "".join(
                f"{mark} {piece}" if piece[:1] in _AR_LETTERS else mark + piece
                for piece in pieces[1:]
            )
    return text


# One regex pass each instead of a ``needle in text`` search per mark (each a full scan
# of the text once the mark itself occurs). Same result as the chained replaces: removing
# a space never creates a new space-before-mark, and collapsing runs of one mark never
# creates a doubled other mark, so the replaces' fixed point is "every run collapsed".
_SPACE_BEFORE_MARK = re.compile(r" (?=[.,،;؛:!?؟…)\]])")
# A line never starts with a closing mark: a hard wrap fell before it. Not after a blank
# line, and not a mark alone between single line breaks (a separator line such as ".").
# Starts with the line break so the engine scans for it (" \n" is already "\n" here).
_BREAK_BEFORE_MARK = re.compile(r"\n(?=[.,،;؛:!?؟…)\]](?:[^\n.]|\n\n|$))")


def _join_mark_lines(text: str) -> str:
    """Remove the line break before a closing mark that begins a line (not after a blank
    line: a mark opening a paragraph is a separator or debris, left to the rules after)."""
    return _BREAK_BEFORE_MARK.sub(
        lambda m: m.group() if m.start() == 0 or text[m.start() - 1] == "\n" else "", text)
_DOUBLED_MARK = re.compile(r'([!?؟،,;؛:"])\1+')


def _tidy_marks(text: str) -> str:
    """No space before marks, ellipsis for dot runs, no doubled marks."""
    text = _SPACE_BEFORE_MARK.sub("", text) if " " in text else text
    text = _collapse(text, _DOTS_PAIRS)
    text = _join_mark_lines(text) if "\n" in text else text
    return _DOUBLED_MARK.sub(r"\1", text)


def tidy_punctuation(text: str) -> str:
    """No space before marks, ellipsis for dot runs, no doubled marks, space after marks."""
    return _space_after_marks(_tidy_marks(text))


def repair_text(text: str, removed: dict[str, int]) -> str:
    """Return ``text`` with display repairs applied; line breaks are kept as ``\\n``."""
    text = _replace_all(text, _NEWLINES)
    text = _replace_all(text, _INVISIBLE_PAIRS)
    if "\t" in text:
        text = text.replace("\t", " ")
    if not text.replace("\n", " ").isprintable():  # C-speed gate before a regex scan
        text = _CONTROLS.sub("", text)
    # Rare in Arabic news: a byte-table gate (lead bytes of characters outside ASCII and
    # U+0600-U+06FF, lone surrogates included) before one regex scan with few hits.
    outside = (set(_OUTSIDE_FAST.findall(text))
               if text.encode("utf-8", "surrogatepass").translate(None, _NOT_OUTSIDE_LEAD)
               else set())
    if outside:  # presentation forms, odd spaces and curly quotes
        text = _replace_all(text, tuple(p for p in _SPACE_PAIRS + _QUOTES if p[0] in outside))
        if any("\ufb50" <= ch <= "\ufefc" for ch in outside):
            text = _unfold_presentation_forms(text)
        if "\u200c" in outside or "\u200d" in outside:
            text = _collapse(text, _JOINER_PAIRS)
    text = _tidy_marks(_collapse(text, _SPACE_PAIRS_RUN))  # stray rules see final marks
    separators = removed.get("separators", 0)
    text = _split_stray_separators(text, removed)
    if removed.get("separators", 0) != separators:
        text = _collapse(text, _SPACE_PAIRS_RUN)
    if "ـ" in text:
        text = _tidy_tatweel(text)
    return _space_after_marks(text).strip(" ")
