"""Make authors' raw HTML valid XHTML: figures, captions, anchors, foreign elements.

Raw HTML in a Markdown source is written for browsers, which forgive what EPUBCheck does
not. After the sanitizer, ``repair`` gives every figure at most one ``figcaption``, as its
first or last child (a caption found deeper or a second one becomes a paragraph, as does
a ``figcaption`` outside any figure), drops line breaks beside a caption, and turns an empty
anchor before a heading (``<a id="x"></a>`` or ``<a name="x"></a>``) into the heading's own
id, so that one anchor remains. Before the sanitizer, ``prepare`` turns an unknown element
that wraps blocks and carries a ``caption`` or ``title`` (``<Listing caption="...">``) into a
figure with that caption; the sanitizer unwraps other unknown elements, keeping their content.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CAPTIONED = re.compile(r"<[A-Za-z][\w-]*\s[^>]*\b(?:caption|title)\s*=", re.IGNORECASE)
_BLOCKS = {"div", "p", "pre", "table", "ul", "ol", "dl", "blockquote", "figure", "img"}
# A start tag's name, as far as the HTML tokenizer reads one.
_START_TAG = re.compile(r"<([A-Za-z][^\s/>]*)")


def prepare(raw_html: str, known: set[str]) -> str:
    """Turn unknown elements wrapping blocks with a ``caption``/``title`` into figures.

    Only an element ``known`` does not name can change, so the text is parsed only when a
    start tag names one: Python-Markdown's footnotes and images carry ``title`` on known
    elements, and parsing every such chapter for nothing cost about a tenth of cleaning it.
    """
    if not _CAPTIONED.search(raw_html) or not any(
        m.group(1).lower() not in known for m in _START_TAG.finditer(raw_html)
    ):
        return raw_html
    try:
        root = lxml.html.fragment_fromstring(raw_html, create_parent="div")
    except lxml.etree.ParserError:
        return raw_html
    changed = False
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el is root or el.tag in known:
            continue
        caption = (el.get("caption") or el.get("title") or "").strip()
        if not caption or not any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in el):
            continue
        el.tag = "figure"
        for name in list(el.attrib):
            if name not in ("id", "class", "lang", "dir"):
                del el.attrib[name]
        figcaption = lxml.html.Element("figcaption")
        figcaption.text = caption
        figcaption.tail, el.text = el.text, None
        el.insert(0, figcaption)
        changed = True
    if not changed:
        return raw_html
    return (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root
    )


def repair(root: lxml.html.HtmlElement) -> None:
    """Repair figures and captions, and fold empty anchors into the headings they mark."""
    _anchors(root)
    for p in list(root.iter("p")):  # left by an unknown element's tags Markdown wrapped
        if not len(p) and not (p.text or "").strip() and len(root) > 1:
            _lift(p)
    for figure in list(root.iter("figure")):
        _figure(figure)
    for caption in list(root.iter("figcaption")):
        if caption.getparent() is None or caption.getparent().tag != "figure":
            caption.tag = "p"


def _figure(figure: lxml.html.HtmlElement) -> None:
    """Leave ``figure`` with one caption, first or last, and no paragraph around an image."""
    for p in list(figure.findall("p")):  # Markdown's paragraph around a lone image
        kids = [c for c in p if isinstance(c.tag, str)]
        if len(kids) == 1 and kids[0].tag == "img" and not (p.text or "").strip():
            p.drop_tag()
    captions = [c for c in figure.iter("figcaption") if _owner(c) is figure]
    if not captions:
        return
    keep, *rest = captions
    for extra in rest:
        extra.tag = "p"
    first = keep.getparent() is figure and _first(figure) is keep
    if keep.getparent() is not figure or not (first or _last(figure) is keep):
        holder = keep.getparent()
        _lift(keep)
        figure.append(keep)
        if holder is not figure and not len(holder) and not holder.text_content().strip():
            _lift(holder)  # the wrapper held only the caption
        first = False
    for br in [c for c in figure if c.tag == "br"]:
        prev, nxt = br.getprevious(), br.getnext()
        if {getattr(prev, "tag", None), getattr(nxt, "tag", None)} & {"figcaption", None}:
            _lift(br)
    if first and (figure.text or "").strip():  # text before the caption: move it after
        keep.tail = (figure.text or "") + (keep.tail or "")
        figure.text = None


def _owner(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "figure":
        parent = parent.getparent()
    return parent


def _first(figure: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    return next((c for c in figure if isinstance(c.tag, str)), None)


def _last(figure: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    last = next((c for c in reversed(figure) if isinstance(c.tag, str)), None)
    if last is not None and (last.tail or "").strip():
        return None  # text after it: the caption is not last
    return last


def _lift(el: lxml.html.HtmlElement) -> None:
    """Take ``el`` out of its parent, leaving its tail text in place."""
    parent = el.getparent()
    tail, el.tail = el.tail, None
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _anchors(root: lxml.html.HtmlElement) -> None:
    """Give ``a name`` an id; move an empty anchor's id onto the heading that follows it."""
    for a in list(root.iter("a")):
        name = a.attrib.pop("name", None)
        if name and not a.get("id"):
            a.set("id", name)
        if not a.get("id") or a.get("href") or len(a) or (a.text or "").strip():
            continue
        heading = _heading_after(a)
        if heading is None:
            continue
        anchor_id = a.attrib.pop("id")
        holder = a.getparent()
        _lift(a)
        if holder.tag == "p" and not len(holder) and not (holder.text or "").strip():
            _lift(holder)
        if not heading.get("id"):
            heading.set("id", anchor_id)
        else:  # the heading has its own id: the anchor's becomes a span at its start
            span = lxml.html.Element("span")
            span.set("id", anchor_id)
            span.tail, heading.text = heading.text, None
            heading.insert(0, span)


def _heading_after(a: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """Return the heading right after ``a`` (alone, or alone in its paragraph), if any."""
    el = a
    holder = a.getparent()
    if (a.tail or "").strip():
        return None
    if holder is not None and holder.tag == "p":
        kids = [c for c in holder if isinstance(c.tag, str)]
        if kids != [a] or (holder.text or "").strip():
            return None
        el = holder
    nxt = el.getnext()
    if el.tail and el.tail.strip():
        return None
    return nxt if nxt is not None and nxt.tag in HEADINGS else None
