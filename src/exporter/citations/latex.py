"""Turn the LaTeX in BibTeX field values into Unicode text, keeping protected case.

A brace group that is not a command's argument protects its letters from a style's title
casing (``{TeX}``, ``{German}``); the word around it is kept as written too, because
citeproc-py title-cases the pieces of a word apart (``The {TeX}book`` would become "The
TeXBook"). Protected words come out as CSL-JSON's ``<span class="nocase">``.
"""

from __future__ import annotations

import html
import re
import unicodedata

# \"u, \'{e}, {\`a}: the accent commands, as combining marks.
_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ",
    "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "&": "&", "%": "%", "$": "$", "#": "#",
    "_": "_", "{": "{", "}": "}", "textendash": "–", "textemdash": "—", "ldots": "…",
    "dots": "…", "textasciitilde": "~", "S": "§", "P": "¶", "copyright": "©", "LaTeX": "LaTeX",
    "TeX": "TeX", "guillemotleft": "«", "guillemotright": "»", " ": " ", ",": "\u2009",
}  # fmt: skip
_ACCENT = re.compile(
    r"""\\([-"'`^~=.]|[uvHckrdb](?![A-Za-z]))\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))"""
)
# A word command swallows one space after it (\ss e); a symbol command (\&) does not.
_COMMAND = re.compile(r"\\(?:([A-Za-z]+)\s?|([&%$#_{} ,]))")
_STYLED = {"emph": "i", "textit": "i", "textbf": "b", "textsc": "span", "textsuperscript": "sup"}
NOCASE_OPEN, NOCASE_CLOSE = "\x01", "\x02"  # protected text, before it becomes markup


def _accent(match: re.Match[str]) -> str:
    """Return one accented letter (``\\"u`` -> ü), composed where Unicode has it."""
    letter = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter.lstrip("\\"))
    return unicodedata.normalize("NFC", base + _ACCENTS[match.group(1)])


def _plain(text: str) -> str:
    """Replace accents, symbols and dashes; drop other commands (their argument stays)."""
    if "\\" in text:
        text = _ACCENT.sub(_accent, text)
        text = _COMMAND.sub(lambda m: _SYMBOLS.get(m.group(1) or m.group(2), ""), text)
    text = text.replace("---", "—").replace("--", "–").replace("~", "\u00a0")
    return text.replace("``", "“").replace("''", "”")


def to_text(value: str) -> str:
    """Return a field's text without braces or markup (names, places, publishers)."""
    return _clean(_plain(value).replace("{", "").replace("}", ""))


def to_csl(value: str) -> str:
    """Return a title-like field as CSL-JSON rich text, protected words in nocase spans."""
    text = _protect(_styled(value))
    text = _plain(text).replace("{", "").replace("}", "")
    text = html.escape(_clean(text), quote=False)
    text = re.sub(r"&lt;(/?)(i|b|sup|span)&gt;", r"<\1\2>", text)
    return text.replace(NOCASE_OPEN, '<span class="nocase">').replace(NOCASE_CLOSE, "</span>")


def _styled(value: str) -> str:
    """Turn ``\\emph{x}`` and friends into markup citeproc keeps (``<i>x</i>``)."""
    if "\\" not in value:
        return value
    pattern = re.compile(r"\\(" + "|".join(_STYLED) + r")\s*\{([^{}]*)\}")
    while True:
        new = pattern.sub(
            lambda m: f"<{_STYLED[m.group(1)]}>{m.group(2)}</{_STYLED[m.group(1)]}>", value
        )
        if new == value:
            return value
        value = new


def _protect(value: str) -> str:
    """Mark each word holding a top-level brace group (not a command's) as protected."""
    if "{" not in value:
        return value
    out, depth, word_protected = [], 0, False
    words: list[tuple[str, bool]] = []
    word: list[str] = []
    previous = ""
    for index, char in enumerate(value):
        if char == "{":
            # {\"u} is BibTeX's "special character": an accent, not a protection.
            special = value[index + 1 : index + 2] == "\\"
            if depth == 0 and previous != "\\" and not special and not _after_command(word):
                word_protected = True
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if char.isspace() and depth == 0:
            words.append(("".join(word), word_protected))
            words.append((char, False))
            word, word_protected = [], False
        else:
            word.append(char)
        previous = char
    words.append(("".join(word), word_protected))
    for text, protected in words:
        out.append(f"{NOCASE_OPEN}{text}{NOCASE_CLOSE}" if protected and text else text)
    return "".join(out)


def _after_command(word: list[str]) -> bool:
    """Tell whether a brace opens a command's argument (``\\c{c}``, ``\\"{u}``)."""
    text = "".join(word)
    return bool(re.search(r"\\(?:[A-Za-z]+|[-\"'`^~=.])\s*$", text))


def _clean(text: str) -> str:
    """Collapse runs of white space (BibTeX values wrap over lines)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()
