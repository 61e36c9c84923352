"""Shape mammoth's HTML for the cleaning stage: title, notes, stand-ins and stray attributes.

mammoth writes a note call as ``<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup>``
and every note, footnotes and endnotes alike, in one ``<ol>`` at the end, each with a ``↑``
link back. The cleaning stage knows Python-Markdown's shape (``<sup id="fnref:KEY"><a
class="footnote-ref" href="#fn:KEY">`` and ``<div class="footnote"><hr/><ol><li
id="fn:KEY">``), so both kinds become that: a Word endnote is a note like a footnote, numbered
with them in the order they are called (the outputs have one kind of note).
"""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html
from lxml import etree

from exporter.model import Metadata

_NOTE = re.compile(r"^(?:footnote|endnote)-[-\w]+$")
_BACKREF = "starts-with(@href, '#footnote-ref-') or starts-with(@href, '#endnote-ref-')"


def shape_html(html: str, properties: Metadata) -> tuple[str, Metadata]:
    """Return the fragment ready for cleaning, and the metadata the document gives."""
    if not html.strip():
        return "", properties
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    metadata = _take_title(root, properties)
    _rewrite_notes(root)
    _replace_stand_ins(root)
    parts = [lxml.html.tostring(child, encoding="unicode") for child in root]
    return (root.text or "") + "".join(parts), metadata


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _take_title(root: lxml.html.HtmlElement, properties: Metadata) -> Metadata:
    """Make the first Title paragraph the title, and a Subtitle right after it the subtitle.

    The visible Title wins over the properties' title, which is often a template's leftover.
    Later Title paragraphs stay in the text as paragraphs.
    """
    titles = root.xpath("//h1[contains(concat(' ', @class, ' '), ' title ')]")
    if not titles or not _text(titles[0]):
        for extra in titles:
            extra.tag = "p"
        return properties
    first, *rest = titles
    metadata = replace(properties, title=_text(first))
    after = first.getnext()
    if after is not None and after.tag == "p" and after.get("class") == "subtitle":
        metadata = replace(metadata, subtitle=_text(after))
        after.drop_tree()
    first.drop_tree()
    for extra in rest:
        extra.tag = "p"
    return metadata


def _rewrite_notes(root: lxml.html.HtmlElement) -> None:
    """Turn mammoth's note calls and note list into Python-Markdown's footnote markup."""
    bodies = {
        li.get("id"): li
        for li in root.iter("li")
        if _NOTE.match(li.get("id", "")) and li.getparent().getparent() is root
    }
    if not bodies:
        return
    for number, call in enumerate(root.xpath("//sup/a[@href and @id]"), start=1):
        key = call.get("href")[1:]
        if key not in bodies or call.get("id") != key.replace("-", "-ref-", 1):
            continue
        sup = call.getparent()
        sup.set("id", f"fnref:{key}")
        call.attrib.pop("id")
        call.set("class", "footnote-ref")
        call.set("href", f"#fn:{key}")
        call.text = str(number)
        outer = sup.getparent()  # a reference run also set in superscript by hand
        if outer.tag == "sup" and len(outer) == 1 and not (outer.text or "").strip():
            outer.drop_tag()
    notes = next(iter(bodies.values())).getparent()
    for key, li in bodies.items():
        li.set("id", f"fn:{key}")
        _tidy_note(li)
    block = lxml.html.Element("div")
    block.set("class", "footnote")
    etree.SubElement(block, "hr")
    notes.addprevious(block)
    block.append(notes)


def _tidy_note(li: lxml.html.HtmlElement) -> None:
    """Drop the back link and the space Word puts before a note's text."""
    for back in li.xpath(f".//a[{_BACKREF}]"):
        holder = back.getparent()
        previous = back.getprevious()
        back.drop_tree()
        if previous is not None:
            previous.tail = (previous.tail or "").rstrip() or None
        else:
            holder.text = (holder.text or "").rstrip() or None
        if holder.tag == "p" and len(holder) == 0 and not holder.text:
            holder.drop_tree()
    first = li[0] if len(li) and not (li.text or "").strip() else li
    first.text = (first.text or "").lstrip() or None


def _replace_stand_ins(root: lxml.html.HtmlElement) -> None:
    """Put alt text where an image could not be kept; drop what the sanitizer would flag."""
    for img in root.xpath("//img[@class='docx-missing-image']"):
        span = lxml.html.Element("span")
        span.set("class", "missing-image")
        alt = img.get("alt", "")
        span.text = f"[{alt}]" if alt else ""
        span.tail = img.tail
        img.getparent().replace(img, span)
    for link in root.xpath("//a[@target]"):
        del link.attrib["target"]  # Word's "open in a new window": nothing for a book
    for box in root.xpath("//input[@type='checkbox']"):
        mark = "☒" if box.get("checked") is not None else "☐"
        previous, parent = box.getprevious(), box.getparent()
        if previous is not None:
            previous.tail = (previous.tail or "") + mark + (box.tail or "")
        else:
            parent.text = (parent.text or "") + mark + (box.tail or "")
        parent.remove(box)
