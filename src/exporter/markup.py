"""Markup helpers shared by the reading and render stages and the writers."""

from __future__ import annotations

from html import escape

from lxml import etree

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


def attr(text: str) -> str:
    """Escape text for an attribute value or element content."""
    return escape(text, quote=True)


def inner_xhtml(el: etree._Element) -> str:
    """Serialise an element's content as XHTML (self-closed voids, escaped text)."""
    parts = [escape(el.text or "", quote=False)]
    parts.extend(etree.tostring(child, method="xml", encoding="unicode") for child in el)
    return "".join(parts)


def parse_fragment(xhtml: str) -> etree._Element:
    """Parse serialised XHTML content (as ``inner_xhtml`` writes it) under a ``div``.

    The XML parser, not the HTML one: what ``inner_xhtml`` wrote comes back unchanged.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(f"<div>{xhtml}</div>", parser)
