"""Writing systems: which script a text is in, its direction, and the font that covers it.

Used by the ``scripts`` transform (a language and a direction for a source that gives
none) and by the PDF writer (one warning per script no installed font covers).

Detection reads the prose only: code blocks, inline code, URLs and markup are removed
first, since a real Hebrew page about programming carries more Latin letters in its code
than Hebrew letters in its prose. Of the letters left, the script with the most wins when
it holds at least ``SCRIPT_SHARE`` of them and there are ``MIN_LETTERS`` or more; Han,
kana and Hangul count each character three times, as one stands for a word or a syllable
where Latin spends three to six letters.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from exporter.model import Chapter, Metadata

log = logging.getLogger("exporter")

# The dominant script must hold at least this share of the prose's (weighted) letters.
SCRIPT_SHARE = 0.4
# Fewer prose letters than this say nothing: the document keeps the default language.
MIN_LETTERS = 20
# How much of the first chapters' markup is read: a book does not change its script later.
SAMPLE = 100_000
# A CJK character weighs as much as this many alphabetic letters (see the docstring).
CJK_WEIGHT = 3

# (first, last, script): the letter blocks that decide a language; sorted by first.
_RANGES = sorted(
    [
        (0x0041, 0x024F, "Latin"),
        (0x0370, 0x03FF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"),
        (0x0530, 0x058F, "Armenian"),
        (0x0590, 0x05FF, "Hebrew"),
        (0x0600, 0x06FF, "Arabic"),
        (0x0750, 0x077F, "Arabic"),
        (0x0900, 0x097F, "Devanagari"),
        (0x0E00, 0x0E7F, "Thai"),
        (0x10A0, 0x10FF, "Georgian"),
        (0x1100, 0x11FF, "Hangul"),
        (0x1E00, 0x1EFF, "Latin"),
        (0x1F00, 0x1FFF, "Greek"),
        (0x3040, 0x309F, "Hiragana"),
        (0x30A0, 0x30FF, "Katakana"),
        (0x3130, 0x318F, "Hangul"),
        (0x3400, 0x4DBF, "Han"),
        (0x4E00, 0x9FFF, "Han"),
        (0xAC00, 0xD7AF, "Hangul"),
        (0xF900, 0xFAFF, "Han"),
        (0xFB1D, 0xFB4F, "Hebrew"),
        (0xFB50, 0xFDFF, "Arabic"),
        (0xFE70, 0xFEFF, "Arabic"),
        (0x20000, 0x2FA1F, "Han"),
    ]
)
_STARTS = [first for first, _, _ in _RANGES]
_CJK = {"Han", "Hiragana", "Katakana", "Hangul"}
# The language a script's prose is in when the source does not say. Scripts shared by
# many languages (Latin, Cyrillic, Devanagari) decide nothing.
_LANGUAGE = {
    "Hebrew": "he",
    "Arabic": "ar",
    "Han": "zh",
    "Hiragana": "ja",
    "Katakana": "ja",
    "Hangul": "ko",
    "Greek": "el",
    "Thai": "th",
    "Armenian": "hy",
    "Georgian": "ka",
}
# Letters Persian and Urdu add to the Arabic alphabet: their presence names the language.
_PERSIAN = set("پچژگکی")
_URDU = set("ٹڈڑںےھ")
# Languages written right to left (BCP 47 primary subtags).
RTL_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "yi", "ps", "sd", "ug", "ckb", "dv"})
# Per script: the Debian package with its Noto fonts, and the family the themes name.
FONT_PACKAGES = {
    "Han": ("fonts-noto-cjk", "Noto Serif CJK SC"),
    "Hiragana": ("fonts-noto-cjk", "Noto Serif CJK JP"),
    "Katakana": ("fonts-noto-cjk", "Noto Serif CJK JP"),
    "Hangul": ("fonts-noto-cjk", "Noto Serif CJK KR"),
    "Hebrew": ("fonts-noto-core", "Noto Serif Hebrew"),
    "Arabic": ("fonts-noto-core", "Noto Naskh Arabic"),
    "Greek": ("fonts-noto-core", "Noto Serif"),
    "Cyrillic": ("fonts-noto-core", "Noto Serif"),
    "Armenian": ("fonts-noto-core", "Noto Serif Armenian"),
    "Georgian": ("fonts-noto-core", "Noto Serif Georgian"),
    "Devanagari": ("fonts-noto-core", "Noto Serif Devanagari"),
    "Thai": ("fonts-noto-core", "Noto Serif Thai"),
}

_VERBATIM = re.compile(
    r"<(pre|code|kbd|samp|script|style|math|svg)\b[^>]*>.*?</\1\s*>", re.S | re.I
)
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+", re.I)
# What every match of _URL holds, with the same flags: a text without it has no URL.
_URL_MARK = re.compile(r"://|www\.|mailto:", re.I)
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&#?\w+;")


def script_of(char: str) -> str:
    """Return the script of one character ("Hebrew", "Han", ...), or "" for none we know."""
    code = ord(char)
    index = bisect.bisect_right(_STARTS, code) - 1
    if index >= 0 and code <= _RANGES[index][1]:
        name = _RANGES[index][2]
        # Latin's blocks hold symbols too (×, ÷): only letters count.
        return name if name != "Latin" or char.isalpha() else ""
    return ""


def prose(html: str) -> str:
    """Return the text of serialised (X)HTML without code, URLs and markup."""
    text = _VERBATIM.sub(" ", html)
    text = _without_urls(_TAG.sub(" ", text))
    return _without_urls(_ENTITY.sub(" ", text))


def _without_urls(text: str) -> str:
    """Return ``text`` with each URL replaced by a space: ``_URL.sub(" ", text)``, faster.

    _URL tries its scheme at every letter (15 ms for the 100 kB sample, twice a build): a
    match never spans white space, so only the lines holding _URL_MARK can change.
    """
    if _URL_MARK.search(text) is None:
        return text
    lines = text.split("\n")
    return "\n".join(_URL.sub(" ", line) if _URL_MARK.search(line) else line for line in lines)


def letter_counts(text: str) -> Counter[str]:
    """Return the weighted count of letters per script in ``text`` (see CJK_WEIGHT)."""
    counts: Counter[str] = Counter()
    if text.isascii():  # English prose, at C speed: a per-character look-up cost 14 ms/chapter
        counts["Latin"] = sum(map(str.isalpha, text))
        return counts
    for char in text:
        name = script_of(char)
        if name:
            counts[name] += CJK_WEIGHT if name in _CJK else 1
    return counts


def dominant_script(text: str) -> str:
    """Return the script of most of ``text``'s letters, or "" when none dominates."""
    counts = letter_counts(text)
    # Kana and kanji are one writing system: Japanese mixes them in every sentence.
    if counts["Hiragana"] + counts["Katakana"]:
        counts["Hiragana"] += counts.pop("Katakana", 0) + counts.pop("Han", 0)
    total = sum(counts.values())
    if total < MIN_LETTERS:
        return ""
    name, count = counts.most_common(1)[0]
    return name if count >= SCRIPT_SHARE * total else ""


def language_of(text: str) -> str:
    """Return the language tag ``text``'s dominant script implies, or "" when it says none."""
    name = dominant_script(text)
    if name == "Arabic":
        letters = set(text)
        if letters & _URDU:
            return "ur"
        if letters & _PERSIAN:
            return "fa"
    return _LANGUAGE.get(name, "")


def direction_of(lang: str) -> str:
    """Return "rtl" for a language written right to left, else "ltr"."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def settle_language(meta: Metadata, chapters: Sequence[Chapter]) -> Metadata:
    """Return ``meta`` with the language its prose's script implies (when it gives none)
    and a direction.

    A declared ``lang`` is kept; ``dir`` "rtl" or "ltr" is kept, "auto" follows the
    prose's script, and none follows the language.
    """
    found = text = ""
    if not meta.lang or meta.dir == "auto":
        # The first chapters tell: a book does not change its script on page 300.
        text = prose(" ".join(c.title + " " + c.html for c in chapters[:8])[:SAMPLE])
        found = language_of(meta.title + " " + text)
    lang = meta.lang or found
    if found and not meta.lang:
        log.info(
            "no language given: the prose is mostly in %s script, so lang is '%s' "
            "(set lang in the front matter or book.toml to choose another)",
            dominant_script(text),
            found,
        )
    if meta.dir in ("rtl", "ltr"):
        direction = meta.dir
    else:
        direction = direction_of(found if meta.dir == "auto" and found else lang)
    return replace(meta, lang=lang, dir=direction)


_CODE_START = re.compile(r"<(pre|code|kbd|samp)(?=[\s>/])(?![^>]*\sdir=)")


def code_left_to_right(html: str) -> str:
    """Return serialised XHTML with ``dir="ltr"`` on code, for a right-to-left text.

    Code reads left to right whatever the prose around it does; the attribute also isolates
    it, so its brackets, dots and dashes stay with it in a Hebrew or Arabic sentence
    (checked in WeasyPrint 70: "-v", "x = 1;", "a[0] > 2" keep their order; LRI/PDI
    controls around them changed nothing, so none are added).
    """
    html = _CODE_START.sub(r'<\1 dir="ltr"', html)
    # A URL in the prose too, bare or as a link's text. Without it WeasyPrint 70 set a URL
    # broken across lines as "//:https" / "docs.python.org" (and browsers do the like);
    # with it each line's piece reads left to right, the sentence's full stop on the left.
    html = _URL_LINK.sub(r'<a dir="ltr"\1>', html)
    parts = _TAGS.split(html)
    depth = 0  # inside code, pre or a link: left as it is
    for i, part in enumerate(parts):
        if i % 2:
            name = _TAG_NAME.match(part)
            if name and name.group(1).lower() in ("code", "pre", "a") and part[-2:] != "/>":
                depth += -1 if part.startswith("</") else 1
        elif not depth and "://" in part:
            parts[i] = _PROSE_URL.sub(r'<span dir="ltr">\g<0></span>', part)
    return "".join(parts)


_TAGS = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([\w:-]+)")
_URL_LINK = re.compile(r"<a(?=[\s>])(?![^>]*\sdir=)([^>]*)>(?=[a-z][a-z0-9+.-]*://)", re.I)
_PROSE_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<]*[^\s<.,;:!?)\]]", re.I)


# Where a source's line break is no space (css-text-3's segment break transformation): between
# two Han, kana, CJK punctuation or fullwidth characters, a Chinese or Japanese text written
# with hard-wrapped lines. Not Hangul: Korean spaces its words.
WIDE = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6"
)
_WIDE_BREAK = re.compile(  # curly quotes, of ambiguous width, when a wide character is beside
    f"(?<=[{WIDE}])[ \\t]*\\n[ \\t]*(?=[{WIDE}“‘])|(?<=[{WIDE}”’])[ \\t]*\\n[ \\t]*(?=[{WIDE}])"
)
_CODE_TAGS = ("pre", "code", "kbd", "samp")


def join_wide_lines(text: str) -> str:
    """Return ``text`` with each line break between two CJK characters taken out."""
    return _WIDE_BREAK.sub("", text)


def join_wide_lines_in(root: Any, html: str) -> None:
    """Take out line breaks between CJK characters in a tree's prose (not in its code);
    ``html``, the tree's source, tells quickly whether it has any."""
    if not _WIDE_BREAK.search(html):
        return
    # The elements themselves, not their id(): lxml makes a new proxy (and id) per access.
    verbatim = {inner for block in root.iter(*_CODE_TAGS) for inner in block.iter()}
    for element in root.iter():
        if element.text and element not in verbatim:
            element.text = join_wide_lines(element.text)
        if element.tail and element.getparent() not in verbatim:
            element.tail = join_wide_lines(element.tail)
