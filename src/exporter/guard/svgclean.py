"""Make an SVG image inert and self-contained before any output carries it.

An SVG is a document, not just pixels: it can run scripts, load other files and URLs, and
expand ``<use>`` references exponentially. Every output copies the image's bytes (the EPUB
as a file, the HTML as a data: URL), so the cleaning happens once, when the image is read.

What stays is allow-listed (``svgallow``): elements, attributes and CSS properties of SVG's
static drawing vocabulary, CSS values that load nothing, references to fragments of the
same file or to inlined raster data. Everything else is dropped, unknown things included:
a deny-list misses whatever it did not think of. Files with the standard SVG 1.1 DOCTYPE
(what Illustrator and Inkscape export) are read without loading it; a DOCTYPE that declares
entities is refused, since entities are how XML bombs and file reads start.
"""

from __future__ import annotations

import re

from lxml import etree

from exporter.guard.svgallow import (
    ANIMATIONS,
    ATTRIBUTES,
    ELEMENTS,
    INLINE_REFS,
    clean_declarations,
    clean_stylesheet,
    safe_attribute_value,
)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XLINK_HREF = f"{{{XLINK_NS}}}href"
MAX_USES = 500
_HREFS = {"href", XLINK_HREF}
# Elements that only show what their reference names: without it they are left out.
_REFERRING = {"image", "use", "feImage", "mpath"}
# "<!DOCTYPE svg [" : a DOCTYPE with declarations of its own, where entities live.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[")


def clean_svg(data: bytes) -> tuple[bytes | None, str]:
    """Return (cleaned SVG bytes, "") or (None, why it was refused)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return None, f"is not well-formed SVG ({exc})"
    if _INTERNAL_SUBSET.search(data) or b"<!ENTITY" in data:
        return None, "declares entities in its DOCTYPE (refused: they can read files)"
    if etree.QName(root).localname != "svg" or etree.QName(root).namespace != SVG_NS:
        return None, "is not an SVG document"
    uses = root.findall(f".//{{{SVG_NS}}}use")
    if len(uses) > MAX_USES:
        return None, f"has more than {MAX_USES} <use> elements"
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for use in uses:
        target = ids.get(_href(use).removeprefix("#"))
        if target is not None and (
            etree.QName(target).localname == "use" or target.find(f".//{{{SVG_NS}}}use") is not None
        ):
            return None, "nests <use> references (they can expand without bound)"
    _clean(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8"), ""


def _clean(root: etree._Element) -> None:
    """Drop what is not allow-listed, in place; the root itself is kept."""
    for el in list(root.iter()):
        parent = el.getparent()
        if el is not root and (parent is None or _detached(el, root)):
            continue  # inside a subtree already removed
        if not isinstance(el.tag, str):  # comments, processing instructions, entities
            if parent is not None:
                _remove(el)
            continue
        name = etree.QName(el)
        if el is not root and (name.namespace != SVG_NS or name.localname not in ELEMENTS):
            _remove(el)
            continue
        if name.localname in ANIMATIONS and not _animation_is_safe(el):
            _remove(el)
            continue
        if name.localname == "style":
            for child in list(el):
                el.remove(child)
            el.text = clean_stylesheet(el.text or "")
        _clean_attributes(el)
        if name.localname in _REFERRING and not _href(el):
            _remove(el)  # nothing left to show; WeasyPrint fails on an <image> without one


def _clean_attributes(el: etree._Element) -> None:
    for key, value in list(el.attrib.items()):
        name = etree.QName(key)
        if key in _HREFS:
            keep = str(value).strip().startswith(INLINE_REFS)
        elif name.namespace == XML_NS:
            keep = name.localname in ("space", "lang")
        elif name.namespace is not None or name.localname not in ATTRIBUTES:
            keep = False
        elif name.localname == "style":
            cleaned = clean_declarations(value)
            keep = bool(cleaned)
            value = cleaned
        else:
            keep = safe_attribute_value(value)
        if keep:
            el.set(key, value)
        else:
            del el.attrib[key]


def _animation_is_safe(el: etree._Element) -> bool:
    """An animation may not set a link or a style: ``<set attributeName="href"
    to="javascript:...">`` would swap a checked reference for a hostile one."""
    target = (el.get("attributeName") or "").strip()
    local = target.rpartition(":")[2]
    if local in ("href", "style") or (target and local not in ATTRIBUTES):
        return False
    values = [el.get(k) or "" for k in ("values", "from", "to", "by")]
    return all(safe_attribute_value(v) and ":" not in v for v in values)


def _detached(el: etree._Element, root: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None and node is not root:
        node = node.getparent()
    return node is None


def _remove(el: etree._Element) -> None:
    """Remove an element or node, keeping the text that follows it in the document."""
    parent = el.getparent()
    if parent is None:  # the root stays: only what it holds is removed
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _href(el: etree._Element) -> str:
    return el.get("href") or el.get(XLINK_HREF) or ""
