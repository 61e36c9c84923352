"""The math transform: the readers' TeX markup becomes MathML with its TeX as ``alttext``.

It runs first among the transforms (priority 10), so that numbering (which counts every
element whose id starts with ``eq:``) sees the equations. Each formula becomes one
``<math>`` in the MathML namespace, with ``alttext`` (a reading system without MathML
shows the TeX) and a class, ``math-inline`` or ``math-display``; a display block is wrapped
in ``div.equation`` (``id="eq:NAME"`` when labelled) that the themes centre. Raw MathML
that came through the sanitizer (from HTML sources) is put in the MathML namespace and
given ``alttext`` from its text.

TeX that latex2mathml cannot read, or that names a command it does not know (it would
print ``\\frac`` as a letter), is a warning naming the file and line; the TeX stays in the
output as ``code.math-error``, so nothing is lost and no box is empty.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from exporter.markup import EPUB_NS
from exporter.math import allow, syntax
from exporter.model import Chapter, Document
from exporter.settings import Settings

log = logging.getLogger(__name__)

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_OPEN = f'<div xmlns:epub="{EPUB_NS}">'
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z])")


class FormulaError(ValueError):
    """TeX that cannot become MathML, with the reason in words."""


def transform(doc: Document, settings: Settings) -> Document:
    """Return ``doc`` with every formula as MathML (the transform registered as ``math``)."""
    ids: set[str] = set()
    chapters = tuple(_chapter(chapter, ids) for chapter in doc.chapters)
    return replace(doc, chapters=chapters)


@dataclass
class _Place:
    """Where formulas come from, for warnings: the source's name and text, read on demand."""

    source: Path | None
    cursor: int = 0  # where the last formula was found in the text
    text: str | None = field(default=None, repr=False)

    def line_of(self, tex: str) -> str:
        """Return ``FILE:LINE`` for the next occurrence of ``tex`` (``FILE`` if not found)."""
        if self.source is None:
            return "(source)"
        if self.text is None:
            try:
                self.text = self.source.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self.text = ""
        at = self.text.find(tex, self.cursor)
        if at < 0:
            at = self.text.find(tex)
        if at < 0:
            return str(self.source)
        self.cursor = at + len(tex)
        return f"{self.source}:{self.text.count(chr(10), 0, at) + 1}"


def _chapter(chapter: Chapter, ids: set[str]) -> Chapter:
    """Return a chapter with its formulas (and its notes' formulas) as MathML."""
    if not (_has_math(chapter.html) or any(_has_math(note) for _, note in chapter.notes)):
        return chapter
    place = _Place(chapter.source)
    html = _fragment(chapter.html, place, ids)
    notes = tuple((note_id, _fragment(note, place, ids)) for note_id, note in chapter.notes)
    return replace(chapter, html=html, notes=notes)


def _has_math(html: str) -> bool:
    return "math-tex" in html or "<math" in html


def _fragment(html: str, place: _Place, ids: set[str]) -> str:
    """Return serialised XHTML with its formulas converted."""
    if not _has_math(html):
        return html
    root = etree.fromstring(f"{_OPEN}{html}</div>", _PARSER)
    for el in list(root.iter("span", "div", "math")):
        if el.tag == "math":
            _adopt(el)
        elif el.get("class") in (syntax.INLINE_CLASS, syntax.DISPLAY_CLASS):
            _convert(el, place, ids)
    whole = etree.tostring(root, encoding="unicode")
    return "" if whole.endswith("/>") else whole[len(_OPEN) : -len("</div>")]


def _convert(el: etree._Element, place: _Place, ids: set[str]) -> None:
    """Replace one formula's reader markup with MathML (or the TeX, marked as an error)."""
    tex = el.text or ""
    display = "display" in (el.get("class") or "")
    block = el.tag == "div"
    where = place.line_of(tex)  # every formula moves the cursor: the next is found after it
    try:
        math = etree.fromstring(mathml(tex, display), _PARSER)
    except FormulaError as exc:
        log.warning("%s: cannot read the formula `%s`: %s; it is printed as text", where, tex, exc)
        math = etree.Element("code", {"class": "math-error"})
        math.text = tex
    if block:
        wrapper = etree.Element("div", {"class": "equation"})
        label = el.get("title")
        if label:
            wrapper.set("id", _unique(label, ids))
        wrapper.append(math)
        math = wrapper
    math.tail = el.tail
    parent = el.getparent()
    if parent is not None:  # always: the fragment's wrapper is above every formula
        parent.replace(el, math)


def _unique(label: str, ids: set[str]) -> str:
    """Return ``label``, or a numbered variant when an earlier equation has it."""
    candidate, n = label, 1
    while candidate in ids:
        n += 1
        candidate = f"{label}-{n}"
    ids.add(candidate)
    return candidate


@functools.lru_cache(maxsize=4096)
def mathml(tex: str, display: bool) -> str:
    """Return the MathML of ``tex``, with ``alttext`` and a class; FormulaError if unread."""
    from latex2mathml.converter import convert

    try:
        markup = convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds (and some bare ones)
        raise FormulaError(_reason(exc)) from None
    try:  # latex2mathml leaves what it does not know as text: "&" of an aligned is not XML
        root = etree.fromstring(markup, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FormulaError(f"not supported here ({exc.msg})") from None
    for token in root.iter(f"{{{MATHML_NS}}}mi", f"{{{MATHML_NS}}}mo"):
        if (token.text or "").startswith("\\") and len(token.text or "") > 1:
            raise FormulaError(f"unknown command {token.text}")
    _group_bases(root)
    root.set("alttext", tex)
    root.set("class", "math-display" if display else "math-inline")
    return etree.tostring(root, encoding="unicode")


# How many children each scripted or fractional element has (MathML's fixed arity).
_ARITY = {"msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3,
          "mfrac": 2, "mroot": 2}  # fmt: skip


def _group_bases(root: etree._Element) -> None:
    """Wrap a script's surplus leading children in one ``mrow``: its base.

    latex2mathml writes ``\\begin{pmatrix}...\\end{pmatrix}^n`` as an ``msup`` with the
    parenthesis, the table and the other parenthesis as three bases: invalid MathML,
    which ziamath refuses to draw and EPUBCheck rejects.
    """
    for el in list(root.iter()):
        want = _ARITY.get(etree.QName(el).localname) if isinstance(el.tag, str) else None
        if want is None or len(el) <= want:
            continue
        surplus = len(el) - want + 1
        base = etree.Element(f"{{{MATHML_NS}}}mrow")
        for child in list(el)[:surplus]:
            base.append(child)  # moves it
        el.insert(0, base)


def _reason(exc: Exception) -> str:
    """Say what went wrong in words: the message, or the exception's name spelt out."""
    text = str(exc).strip()
    if text and not text.startswith("<"):
        return text
    name = type(exc).__name__.removesuffix("Error")
    return _WORDS.sub(" ", name).lower() or "not TeX"


def _adopt(math: etree._Element) -> None:
    """Put raw MathML in the MathML namespace, with ``alttext`` and its class.

    HTML inside it (``<mtext><b>x</b></mtext>``) keeps its text and loses its tags: an
    XHTML element inside MathML is not valid EPUB.
    """
    strays = {el.tag for el in math.iter() if isinstance(el.tag, str)} - allow.TAGS
    if strays:
        etree.strip_tags(math, *strays)
    tail, math.tail = math.tail, None
    # Parsed again under a default namespace: renaming the tags would give ns0: prefixes.
    markup = etree.tostring(math, encoding="unicode").replace(
        "<math", f'<math xmlns="{MATHML_NS}"', 1
    )
    adopted = etree.fromstring(markup, _PARSER)
    if not adopted.get("alttext"):
        text = "".join(str(part) for part in adopted.itertext())
        adopted.set("alttext", " ".join(text.split()))
    if not adopted.get("class"):
        block = adopted.get("display") == "block"
        adopted.set("class", "math-display" if block else "math-inline")
    adopted.tail = tail
    parent = math.getparent()
    if parent is not None:
        parent.replace(math, adopted)
