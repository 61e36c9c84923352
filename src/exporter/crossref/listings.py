"""Listings labelled on their fence, as pandoc-crossref writes them.

```` ```{#lst:x .python caption="Reading a file"} ```` : the readers keep the language and
drop the rest of a fence's attributes, so the label and caption are read back from the
source: the n-th fence of the file is the n-th code block of the chapter. When the counts
differ (a fence in an included file, indented code), nothing is guessed and the fences'
labels are left out; the caption-paragraph form (``Listing: Caption {#lst:x}``) always works.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from exporter.crossref.labels import NAME

_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_LABEL = re.compile(rf"#(?:lst)[:-]({NAME})")
_CAPTION = re.compile(r"""caption\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def fence_labels(text: str) -> list[tuple[str, str] | None]:
    """Return, per fence of a Markdown text in order, its (label name, caption) or None."""
    found: list[tuple[str, str] | None] = []
    closing = ""
    for line in text.splitlines():
        match = _OPEN.match(line)
        if closing:
            if match and match.group(1).startswith(closing) and not match.group(2).strip():
                closing = ""
            continue
        if match is None or (match.group(1)[0] == "`" and "`" in match.group(2)):
            continue
        closing = match.group(1)
        info = match.group(2)
        label = _LABEL.search(info) if "{" in info else None
        caption = _CAPTION.search(info)
        text_of = (caption.group(1) or caption.group(2) or "") if caption else ""
        found.append((label.group(1), text_of) if label else None)
    return found


def label_fences(root: etree._Element, source: Path | None) -> None:
    """Wrap each code block whose fence has a ``#lst:`` label in a captioned listing."""
    if source is None or source.suffix.lower() not in (".md", ".markdown"):
        return
    try:
        text = source.read_text("utf-8", "replace")
    except OSError:
        return
    if "#lst" not in text:
        return
    labels = fence_labels(text)
    blocks = [el for el in root.iter("div", "pre") if _is_code_block(el)]
    if len(labels) != len(blocks):
        return
    for block, label in zip(blocks, labels, strict=True):
        if label is None or _in_listing(block):
            continue
        listing = etree.Element("figure", {"class": "listing", "id": f"lst:{label[0]}"})
        caption = etree.SubElement(listing, "figcaption")
        caption.text = label[1]
        block.addprevious(listing)
        listing.append(block)


def _is_code_block(el: etree._Element) -> bool:
    """Tell whether an element is a code block (not the ``pre`` inside a highlighted one)."""
    if el.tag == "div":
        return "highlight" in el.get("class", "").split()
    parent = el.getparent()
    return parent is None or "highlight" not in parent.get("class", "").split()


def _in_listing(block: etree._Element) -> bool:
    """Tell whether a code block is already a listing's (given by a caption paragraph)."""
    parent = block.getparent()
    return parent is not None and parent.tag == "figure"
