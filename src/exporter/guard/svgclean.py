"""Make an SVG image inert and self-contained before any output carries it.

An SVG is a document, not just pixels: it can run scripts, load other files and URLs, and
expand ``<use>`` references exponentially. Every output copies the image's bytes (the EPUB
as a file, the HTML as a data: URL), so the cleaning happens once, when the image is read.
"""

from __future__ import annotations

import re

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MAX_USES = 500
# Elements that run code or embed another document.
_ACTIVE = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
# References that stay inside the file: fragments and raster images inlined as data.
_INLINE_REFS = ("#", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
_OUTSIDE_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)


def clean_svg(data: bytes) -> tuple[bytes | None, str]:
    """Return (cleaned SVG bytes, "") or (None, why it was refused)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return None, f"is not well-formed SVG ({exc})"
    if etree.QName(root).localname != "svg":
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
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments and processing instructions
            if el.getparent() is not None:
                el.getparent().remove(el)
            continue
        if etree.QName(el).localname in _ACTIVE:
            el.getparent().remove(el)
            continue
        text = el.text or ""
        if etree.QName(el).localname == "style" and (
            _OUTSIDE_URL.search(text) or "@import" in text
        ):
            el.getparent().remove(el)
            continue
        for name, value in list(el.attrib.items()):
            local = etree.QName(name).localname
            if (
                local.lower().startswith("on")
                or (local == "href" and not value.startswith(_INLINE_REFS))
                or _OUTSIDE_URL.search(value)
            ):
                del el.attrib[name]
    return etree.tostring(root, xml_declaration=True, encoding="utf-8"), ""


def _href(el: etree._Element) -> str:
    return el.get("href") or el.get(XLINK_HREF) or ""
