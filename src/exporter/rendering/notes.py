"""Give a chapter's footnotes their shape for one target, on the element tree.

Notes are written once in the model (a numbered ``a.noteref`` call and the note's XHTML).
In print each note moves to its call, as ``span.fn`` (``float: footnote`` puts it at the
foot of the page); in EPUB and HTML the calls link to ``aside`` notes after the chapter
(pop-ups in reading systems). A book chapter's first letter is marked here too, for the
themes' drop caps, since both edits need the chapter's tree.
"""

from __future__ import annotations

import re

from lxml import etree

from exporter.markup import EPUB_NS, attr
from exporter.model import Chapter
from exporter.rendering.profile import Target

# The blocks a note's markup may hold that an inline span cannot: each tag becomes a space.
_BLOCKS = ("p", "div", "ul", "ol", "li", "blockquote", "pre")
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")
# An opening paragraph's first letter, with any opening quote before it.
_FIRST_LETTER = re.compile(r"[\"'“‘«]?\w")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_OPEN = f'<div xmlns:epub="{EPUB_NS}">'


def chapter_body(chapter: Chapter, target: Target, offset: int = 0, initial: bool = False) -> str:
    """Return the chapter's body with its notes shaped for ``target``.

    ``offset`` notes come before this chapter (notes numbered through the book); with
    ``initial``, an opening paragraph's first letter is wrapped in ``span.initial``.
    """
    if not chapter.notes and not initial:
        return chapter.html
    root = etree.fromstring(f"{_OPEN}{chapter.html}</div>", _PARSER)
    calls = [a for a in root.iter("a") if a.get("class") == "noteref"]
    for call in calls:
        if offset:  # numbered per book: the calls show the running number
            call.text = str(int(call.text or "0") + offset)
    if target.profile.notes_in_flow:
        _move_notes_to_calls(calls, dict(chapter.notes))
    else:
        for call in calls:
            _mark_call(call, target)
    if initial:
        _mark_initial(root)
    body = _serialise(root)
    if target.profile.notes_in_flow or not chapter.notes:
        return body
    asides = "\n".join(_aside(note_id, note, target, offset) for note_id, note in chapter.notes)
    kind = target.epub_type("footnotes")
    return f'{body}\n<section class="footnotes"{kind}>\n{asides}\n</section>'


def _serialise(root: etree._Element) -> str:
    """Return the wrapper's content as XHTML (the ``epub`` prefix declared once, outside)."""
    whole = etree.tostring(root, encoding="unicode")
    if whole.endswith("/>"):  # an empty chapter
        return ""
    return whole[len(_OPEN) : -len("</div>")]


def _mark_call(call: etree._Element, target: Target) -> None:
    """Give a note's call its semantics: class, epub:type, role, then id and href."""
    values = dict(call.attrib.items())
    call.attrib.clear()
    call.set("class", values.pop("class"))
    if target.profile.epub_types:
        call.set(f"{{{EPUB_NS}}}type", "noteref")
    call.set("role", "doc-noteref")
    for name, value in values.items():
        call.set(name, value)


def _move_notes_to_calls(calls: list[etree._Element], notes: dict[str, str]) -> None:
    """Replace each first call by its note (``span.fn``); a repeated call by its number."""
    placed: set[str] = set()
    for call in calls:
        note_id = call.get("href", "").removeprefix("#")
        span = etree.Element("span")
        if note_id in placed:
            span.set("class", "noteref-again")
            span.text = call.text
        else:
            placed.add(note_id)
            span.set("class", "fn")
            span.set("id", note_id)
            _fill_inline(span, notes[note_id])
        span.tail = call.tail
        parent = call.getparent()
        if parent is not None:
            parent.replace(call, span)


def _unwrap_lines(root: etree._Element) -> None:
    """Make each line break of a note's source a space (not in its code).

    WeasyPrint 70 keeps the line breaks of a ``float: footnote`` span's text as hard
    breaks, whatever its ``white-space``: a note written over three lines was set on three
    short lines."""
    code = {inner for block in root.iter("pre", "code") for inner in block.iter()}
    for element in root.iter():
        if element.text and "\n" in element.text and element not in code:
            element.text = _LINE_BREAK.sub(" ", element.text)
        if element.tail and "\n" in element.tail and element.getparent() not in code:
            element.tail = _LINE_BREAK.sub(" ", element.tail)


def _fill_inline(span: etree._Element, note: str) -> None:
    """Put a note's content into ``span`` as inline content, as a call site requires.

    The first paragraph runs on from the note's marker; later ones become block spans
    (``span.fn-p``). Other block elements are dissolved, each tag leaving a space.
    """
    root = etree.fromstring(f"<div>{note}</div>", _PARSER)
    _unwrap_lines(root)
    children = list(root)
    plain = (
        children
        and not (root.text or "").strip()
        and all(
            c.tag == "p" and not c.attrib and (c.text or len(c)) and not (c.tail or "").strip()
            for c in children
        )
    )
    if plain:
        first, *rest = children
        span.text = first.text
        span.extend(list(first))
        for paragraph in rest:
            part = etree.SubElement(span, "span")
            part.set("class", "fn-p")
            part.text = paragraph.text
            part.extend(list(paragraph))
            part.tail = None
        return
    for block in list(root.iter(*_BLOCKS)):
        if block.text is None and not len(block):
            if not block.attrib:
                continue  # an empty <p/> stays as it is
            block.text = None
            block.tail = " " + (block.tail or "")
        else:
            block.text = " " + (block.text or "")
            block.tail = " " + (block.tail or "")
    etree.strip_tags(root, *_BLOCKS)
    span.text = root.text
    span.extend(list(root))


def _mark_initial(root: etree._Element) -> None:
    """Wrap the first letter of a chapter that opens with a paragraph in ``span.initial``.

    A theme floats it into a drop cap. A real element, because WeasyPrint sets the first
    line of a floated ``::first-letter`` under the letter (Kozea/WeasyPrint#1859).
    """
    first = root[0] if len(root) else None
    if (root.text or "").strip() or first is None or first.tag != "p" or first.attrib:
        return
    match = _FIRST_LETTER.match(first.text or "")
    if not match:
        return
    letter = etree.Element("span")
    letter.set("class", "initial")
    letter.text = match.group(0)
    letter.tail = (first.text or "")[match.end() :]
    first.text = None
    first.insert(0, letter)


def _aside(note_id: str, html: str, target: Target, offset: int = 0) -> str:
    """Return an EPUB/HTML note: a visible number, the text, and a link back to the call."""
    number = int(note_id.rsplit("-", 1)[1]) + offset
    label = f'<span class="fn-label">{number}.</span> '
    back = (
        f' <a class="backref" href="#{attr(note_id.replace("fn-", "fnref-", 1))}" '
        f'role="doc-backlink" title="Back to the text">↩</a>'
    )
    if html.startswith("<p>") and html.endswith("</p>"):
        content = "<p>" + label + html[3 : -len("</p>")] + back + "</p>"
    else:
        content = f"<p>{label}</p>{html}<p>{back}</p>"
    kind = target.epub_type("footnote")
    return f'<aside class="footnote" id="{note_id}"{kind} role="doc-footnote">{content}</aside>'
