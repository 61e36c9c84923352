"""Find the labelled things of a chapter, in the syntax pandoc-crossref and Quarto share.

Every Markdown dialect ends up in the same markup here. Python-Markdown's attribute lists
(and the GFM reader's) turn ``{#fig:x}`` into an id, which the cleaning stage writes as
``fig-x``; CommonMark leaves ``{#fig:x}`` as text after an image or at the end of a
heading, so this module reads it there and removes it. Both prefixes work (``fig:x``,
Quarto's ``fig-x``) and both end as the id ``fig-x``.

- a figure: an image with a caption and a label, ``![Caption](a.png){#fig:x}``;
- a table: a caption paragraph just before or after it, ``: Caption {#tbl:x}`` (also
  ``Table: Caption {#tbl:x}``; Python-Markdown reads the ``:`` form as a definition);
- a listing: the same paragraph next to a code block, ``Listing: Caption {#lst:x}``;
- an equation: any element whose id is ``eq:x`` (the math stage's ``div.equation``);
- a section: a heading ``## Title {#sec:x}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from exporter.ids import slugify

KINDS = ("fig", "tbl", "lst", "eq", "sec")
# A label as written after '#' or '@': a kind, ':' or '-', then a name.
NAME = r"[\w](?:[\w.:-]*[\w])?"
_ID = re.compile(rf"^(fig|tbl|lst|eq|sec)[:-]({NAME})$")
_TRAILING = re.compile(rf"\s*\{{#(fig|tbl|lst|eq|sec)[:-]({NAME})[^}}]*\}}\s*$")
_CAPTION_START = re.compile(r"^\s*(?:(Table|Listing)\s*)?:\s*")
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


@dataclass
class Target:
    """A labelled element: its kind, the id every reference links to, and its element."""

    kind: str
    id: str
    element: etree._Element
    caption: etree._Element | None = None  # where the number goes ("Figure 2.3: ...")


def label_id(kind: str, name: str) -> str:
    """Return the id a label ends as: ``fig:Map`` and ``fig-map`` both give ``fig-map``."""
    return slugify(f"{kind}-{name.replace(':', '-')}")


def trailing_label(text: str) -> tuple[str, str, str] | None:
    """Split ``"Title {#sec:x}"`` into (text, kind, name), or None when it has no label."""
    found = _TRAILING.search(text)
    if found is None:
        return None
    return text[: found.start()], found.group(1), found.group(2)


def collect(root: etree._Element) -> list[Target]:
    """Normalise the chapter's labelled elements in place; return them in reading order."""
    _label_headings(root)
    _label_inline_figures(root)
    _caption_paragraphs(root)
    targets: list[Target] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.get("id"):
            continue
        found = _ID.match(el.get("id", ""))
        if found is None:
            continue
        kind = found.group(1)
        el.set("id", label_id(kind, found.group(2)))
        target = _target(kind, el)
        if target is not None:
            targets.append(target)
    order = {el: n for n, el in enumerate(root.iter())}
    return sorted(targets, key=lambda t: order.get(t.element, 0))


def _target(kind: str, el: etree._Element) -> Target | None:
    """Return the target an id names, moving a figure's id from its image to the figure."""
    if kind == "fig":
        figure = el if el.tag == "figure" else el.getparent()
        if figure is None or figure.tag != "figure":
            return None
        if figure is not el:
            figure.set("id", el.attrib.pop("id"))
        image = el if el.tag == "img" else figure.find(".//img")
        return Target(kind, figure.get("id", ""), figure, _figcaption(figure, image))
    if kind == "tbl" and el.tag == "table":
        return Target(kind, el.get("id", ""), el, el.find("caption"))
    if kind == "lst" and el.tag == "figure":
        return Target(kind, el.get("id", ""), el, el.find("figcaption"))
    if kind == "sec" and el.tag in _HEADINGS:
        return Target(kind, el.get("id", ""), el)
    if kind == "eq":
        return Target(kind, el.get("id", ""), el)
    return None


def _figcaption(figure: etree._Element, image: etree._Element | None) -> etree._Element:
    """Return the figure's caption, made from the image's text (its alt) when it has none."""
    caption = figure.find("figcaption")
    if caption is None:
        caption = etree.SubElement(figure, "figcaption")
        caption.text = image.get("alt", "") if image is not None else ""
    return caption


def _label_headings(root: etree._Element) -> None:
    """Take a literal ``{#sec:x}`` off the end of a heading and make it the heading's id."""
    for heading in root.iter(*_HEADINGS):
        last = heading[-1] if len(heading) else None
        text = (last.tail if last is not None else heading.text) or ""
        split = trailing_label(text)
        if split is None:
            continue
        if last is not None:
            last.tail = split[0]
        else:
            heading.text = split[0]
        heading.set("id", f"{split[1]}:{split[2]}")


def _label_inline_figures(root: etree._Element) -> None:
    """Make ``<p><img/>{#fig:x}</p>`` (CommonMark) a figure with the image's alt as caption."""
    for para in list(root.iter("p")):
        if len(para) != 1 or para[0].tag != "img" or (para.text or "").strip():
            continue
        split = trailing_label(para[0].tail or "")
        if split is None or split[0].strip() or split[1] != "fig":
            continue
        image = para[0]
        image.tail = None
        if "class" in image.attrib:  # "inline": it stands alone now
            del image.attrib["class"]
        para.tag = "figure"
        para.attrib.clear()
        para.set("class", "figure")
        para.set("id", f"fig:{split[2]}")
        _figcaption(para, image)


def _caption_paragraphs(root: etree._Element) -> None:
    """Move ``: Caption {#tbl:x}`` into the table (or listing) beside it, as its caption."""
    for para in list(root.iter("p", "dl")):
        holder = para if para.tag == "p" else _single_dd(para)
        if holder is None or para.getparent() is None:
            continue
        label = _caption_label(holder, colon_needed=para.tag == "p", strip=False)
        block = _neighbour(para, label[0]) if label is not None else None
        if label is None or block is None:
            continue
        kind, name = label
        _caption_label(holder, colon_needed=para.tag == "p", strip=True)
        caption = etree.Element("caption" if kind == "tbl" else "figcaption")
        caption.text = holder.text
        caption.extend(list(holder))
        if kind == "tbl":
            table = block if block.tag == "table" else block.find(".//table")
            if table is None:
                continue
            table.insert(0, caption)
            table.set("id", f"tbl:{name}")
        else:
            listing = etree.Element("figure", {"class": "listing", "id": f"lst:{name}"})
            block.addprevious(listing)
            listing.append(caption)
            listing.append(block)  # moves the code block (its tail stays with it)
        _remove(para)


def _single_dd(dl: etree._Element) -> etree._Element | None:
    """Return a definition list's only ``dd`` when it has no term (a ``: Caption`` line)."""
    children = [c for c in dl if isinstance(c.tag, str)]
    return children[0] if len(children) == 1 and children[0].tag == "dd" else None


def _caption_label(
    holder: etree._Element, colon_needed: bool, strip: bool
) -> tuple[str, str] | None:
    """Return a caption paragraph's (kind, name); with ``strip``, take off ``Table:`` and it."""
    last = holder[-1] if len(holder) else None
    split = trailing_label((last.tail if last is not None else holder.text) or "")
    if split is None or split[1] not in ("tbl", "lst"):
        return None
    start = _CAPTION_START.match(holder.text or "")
    if colon_needed and start is None:
        return None
    if not strip:
        return split[1], split[2]
    if last is not None:
        last.tail = split[0]
    else:
        holder.text = split[0]
    if start is not None:
        holder.text = (holder.text or "")[start.end() :]
    return split[1], split[2]


def _neighbour(para: etree._Element, kind: str) -> etree._Element | None:
    """Return the table or code block right after (or else right before) a caption."""
    for block in (para.getnext(), para.getprevious()):
        if block is None or not isinstance(block.tag, str):
            continue
        classes = block.get("class", "").split()
        if kind == "tbl" and (block.tag == "table" or "table-wrap" in classes):
            return block
        if kind == "lst" and (block.tag == "pre" or "highlight" in classes):
            return block
    return None


def _remove(el: etree._Element) -> None:
    """Remove an element, keeping its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    previous = el.getprevious()
    if el.tail and el.tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
