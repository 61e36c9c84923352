"""Place the reference list: where the sources ask, else at the end of the article or book.

A source asks with pandoc's ``::: {#refs}`` block (or any element with ``id="refs"``), or
with a heading such as ``# References`` that has nothing under it; a book's manifest may list
a ``bibliography`` chapter in ``[back]``. Without any of these, an article gets a
"References" section at its end and a book a back-matter chapter, titled in its language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape

from lxml import etree

from exporter.markup import EPUB_NS
from exporter.model import Chapter, Document, Heading
from exporter.rendering.words import words

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_OPEN = f'<div xmlns:epub="{EPUB_NS}">'
_FENCE = re.compile(r"^:::\s*\{\s*#refs\s*\}\s*(?::::)?$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Headings that stand for the list in any language exporter knows, besides its own word.
_TITLES = {"references", "bibliography", "works cited", "literature", "sources"}


def entry_id(key: str) -> str:
    """Return the id of a key's entry: ``ref-`` and the key, made a valid XML id."""
    return "ref-" + re.sub(r"[^\w:.-]", "_", key)


def entries_html(entries: list[tuple[str, str]]) -> str:
    """Return the entries as ``div.csl-entry`` elements, each with its ``ref-KEY`` id."""
    return "".join(
        f'<div class="csl-entry" id="{escape(entry_id(key))}">{_linked(_xml(text))}</div>\n'
        for key, text in entries
    )


def place_references(
    doc: Document, chapters: list[Chapter], entries: list[tuple[str, str]]
) -> list[Chapter]:
    """Return the chapters with the reference list placed (nothing when nothing is cited)."""
    if not entries:
        return chapters
    title = words(doc.metadata.lang or "en", dict(doc.metadata.words))["references"]
    body = f'<div class="references csl-bib-body">\n{entries_html(entries)}</div>'
    for index, chapter in enumerate(chapters):
        placed = _into_placeholder(chapter.html, body, title)
        if placed is not None:
            chapters[index] = replace(chapter, html=placed)
            return chapters
    for index, chapter in enumerate(chapters):
        if chapter.type == "bibliography":  # a manifest's [back] bibliography = "refs.md"
            chapters[index] = replace(chapter, html=f"{chapter.html}\n{body}")
            return chapters
    if doc.is_book:
        chapter = Chapter(title, body, kind="backmatter", type="bibliography")
        return [*chapters, chapter]
    last = chapters[-1]
    level = min((h.level for h in last.headings), default=2)
    head_id = _free_id(last, "references")
    section = (
        f'<section class="references" id="refs" role="doc-bibliography">\n'
        f'<h{level} id="{head_id}">{escape(title)}</h{level}>\n{body}\n</section>'
    )
    heading = Heading(level, title, head_id)
    chapters[-1] = replace(last, html=f"{last.html}\n{section}", headings=(*last.headings, heading))
    return chapters


def _free_id(chapter: Chapter, wanted: str) -> str:
    """Return ``wanted``, or a numbered variant no heading of the chapter uses."""
    used = {h.id for h in chapter.headings} | set(re.findall(r'id="([^"]+)"', chapter.html))
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _into_placeholder(html: str, body: str, title: str) -> str | None:
    """Return the chapter with the list in its placeholder, or None when it has none."""
    if "refs" not in html and not any(t in html.lower() for t in (*_TITLES, title.lower())):
        return None
    root = etree.fromstring(f"{_OPEN}{html}</div>", _PARSER)
    block = etree.fromstring(f"<div>{body}</div>", _PARSER)[0]
    target = next((el for el in root.iter() if el.get("id") == "refs"), None)
    if target is not None:
        target.append(block)
        target.set("role", "doc-bibliography")
        return _serialise(root)
    for paragraph in root.iter("p"):
        if _FENCE.match(" ".join((paragraph.text or "").split())) and not len(paragraph):
            block.set("id", "refs")
            block.set("role", "doc-bibliography")
            _swap(paragraph, block)
            return _serialise(root)
    for heading in root.iter(*_HEADINGS):
        text = " ".join(_text(heading).split()).lower()
        if (text in _TITLES or text == title.lower()) and _empty_after(heading):
            block.set("id", "refs")
            block.set("role", "doc-bibliography")
            parent = heading.getparent()
            assert parent is not None
            parent.insert(parent.index(heading) + 1, block)
            return _serialise(root)
    return None


def _empty_after(heading: etree._Element) -> bool:
    """Tell whether nothing but a closing fence follows a heading before the next heading."""
    level = int(heading.tag[1])
    sibling = heading.getnext()
    while sibling is not None:
        if sibling.tag in _HEADINGS and int(sibling.tag[1]) <= level:
            return True
        if _text(sibling).strip() or len(sibling):
            return False
        sibling = sibling.getnext()
    return True


def _text(element: etree._Element) -> str:
    """Return an element's text content."""
    return "".join(str(t) for t in element.itertext())


def _swap(old: etree._Element, new: etree._Element) -> None:
    """Put ``new`` where ``old`` is, keeping the text after it; drop a lone ``:::`` after."""
    parent = old.getparent()
    assert parent is not None
    following = old.getnext()
    new.tail = old.tail
    parent.replace(old, new)
    if following is not None and (following.text or "").strip() == ":::" and not len(following):
        parent.remove(following)


# A web address in an entry's text (a DOI or URL the style prints), not inside a tag.
_URL = re.compile(r"(?<![\w\"'=/])https?://[^\s<>\"]+[^\s<>\".,;:)]")


def _linked(entry: str) -> str:
    """Make the web addresses an entry prints into links, as pandoc does."""
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', entry)


def _xml(html: str) -> str:
    """Turn HTML entities citeproc-py may write into characters XML parses."""
    import html as html_module

    return re.sub(
        r"&(?!amp;|lt;|gt;|quot;|#)\w+;",
        lambda m: escape(html_module.unescape(m.group(0)), quote=False),
        html,
    )


def _serialise(root: etree._Element) -> str:
    """Return the wrapper's content as XHTML (the ``epub`` prefix declared once, outside)."""
    whole = etree.tostring(root, encoding="unicode")
    return whole[whole.index(">") + 1 : -len("</div>")]
