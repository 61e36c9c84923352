"""Repair what an allow-list sanitizer lets through but XHTML forbids: misplaced blocks.

nh3 keeps allowed elements wherever they stand, and Markdown happily writes ``## <div>``,
so a heading or a paragraph can end up holding a block. Browsers cope; EPUBCheck does not
("element div not allowed here"). A block inside an element that takes only phrasing
content is unwrapped (its content stays, in place), and a heading left with no text is
dropped, since nothing can link to it or list it in a table of contents.
"""

from __future__ import annotations

import lxml.html

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd", "details",
    "div", "dl", "dt", "figcaption", "figure", "footer", "header", "hr", "li", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", *HEADINGS,
}  # fmt: skip
# Elements whose content model is phrasing only.
PHRASING_ONLY = {
    "abbr", "b", "bdi", "bdo", "cite", "code", "dfn", "em", "i", "kbd", "mark", "p", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", *HEADINGS,
}  # fmt: skip
# Elements that take the content model of their parent.
TRANSPARENT = {"a", "ins", "del"}


def repair(root: lxml.html.HtmlElement) -> None:
    """Unwrap blocks inside phrasing-only elements; drop headings with no text."""
    for el in list(root.iter(*BLOCKS)):  # the blocks only: the same, in the same order
        if el.getparent() is None:
            continue
        holder = el.getparent()
        while holder is not None and holder.tag in TRANSPARENT:
            holder = holder.getparent()
        if holder is not None and holder.tag in PHRASING_ONLY:
            if el.tag == "hr":
                el.drop_tree()
            else:
                el.drop_tag()
    for heading in list(root.iter(*HEADINGS)):
        if not heading.text_content().strip() and heading.find(".//img") is None:
            heading.drop_tree()
