"""Turn a reader's raw HTML into a clean chapter: the shared cleaning stage of every reader.

In order: sanitize (allow-list), take the title from the first heading when the metadata has
none, normalise footnotes to one semantic form, shift headings so that sections start at
``h2`` (``h1`` belongs to the title), give every element a document-unique id, resolve
images to assets, make figures, wrap tables, and collect the headings.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import lxml.html
from lxml import etree

from exporter import scripts
from exporter.guard.resources import AssetStore
from exporter.guard.sanitize import TAGS, removals, sanitize
from exporter.ids import IdRegistry, ascii_slug, slugify
from exporter.markup import inner_xhtml
from exporter.model import Chapter, Heading, Metadata
from exporter.reading import nesting, rawhtml

if TYPE_CHECKING:
    from exporter.formats import RawChapter
    from exporter.reading.links import LinkTable

    Raw = tuple[str, RawChapter, dict[str, str], "Sanitized"]  # text, reading, files read, safe

log = logging.getLogger("exporter")

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def build_chapter(
    raw_html: str,
    metadata: Metadata,
    *,
    index: int,
    name: str,
    source: Path | None,
    base_dir: Path,
    ids: IdRegistry,
    assets: AssetStore,
    links: LinkTable,
    text: str = "",
    files: Mapping[str, bytes] | None = None,
    running: str = "",
    safe: Sanitized | None = None,
) -> tuple[Chapter, Metadata]:
    """Clean one source's HTML; return the chapter and the metadata completed by it.

    Local links are parked in ``links`` (``text``, the source, gives their line numbers)
    until every source is read; ``LinkTable.resolve`` finishes them. ``files`` are images
    the source carries inside itself, by the ``src`` its HTML gives them. ``running`` is
    a heading that opens every file of the book (its name), not this chapter's title.
    ``safe`` is ``sanitized(raw_html)`` when the reading made it already.
    """
    where = name
    safe = safe or sanitized(raw_html)
    if safe.removed:  # a warning, so that --strict refuses a source that needed cleaning
        log.warning("%s: removed unsafe or unsupported HTML: %s", where, ", ".join(safe.removed))
    root = lxml.html.fragment_fromstring(safe.html or "<p></p>", create_parent="div")
    nesting.repair(root)
    rawhtml.repair(root)
    scripts.join_wide_lines_in(root, safe.html)  # no space where a Chinese line was wrapped
    had_title = bool(metadata.title)
    opening = next((el for el in root if isinstance(el.tag, str)), None)
    metadata = _take_title(root, metadata, running)
    notes = _collect_notes(root, index)
    _shift_headings(root)
    anchors = _assign_ids(root, ids, index)
    if metadata.title and not had_title:  # the first h1 became the title: link to the start
        for alias in (slugify(metadata.title), ascii_slug(metadata.title)):
            anchors.setdefault(alias, "")
    if opening is not None and opening.getparent() is None and opening.get("id"):
        anchors.setdefault(opening.get("id"), "")  # an anchor the title heading had
    links.add_source(index, source, anchors)
    links.park(root, index=index, name=name, base_dir=base_dir, text=text)
    for _, body in notes:  # links in notes go through the same table as any other
        links.park(body, index=index, name=name, base_dir=base_dir, text=text)
    _resolve_images(root, base_dir, where, assets, files or {}, source)
    _shape_blocks(root)
    headings = tuple(
        Heading(int(el.tag[1]), _text(el), el.get("id")) for el in root.iter(*HEADINGS)
    )
    title = metadata.title or (source.stem if source else "Untitled")
    chapter = Chapter(
        title=title,
        html=inner_xhtml(root),
        headings=headings,
        source=source,
        notes=tuple((note_id, _note_xhtml(body)) for note_id, body in notes),
    )
    return chapter, replace(metadata, title=title)


class Sanitized(NamedTuple):
    """A reader's HTML through the allow-list, and what that took out (to warn about)."""

    html: str
    removed: tuple[str, ...]


def sanitized(raw_html: str) -> Sanitized:
    """Run the first steps of cleaning, which need nothing of the rest of the publication.

    The reading runs them, so that a big book's read-ahead helper does them for its share
    of the sources: about a third of cleaning a chapter, taken off this process.
    """
    raw_html = rawhtml.prepare(raw_html, TAGS)  # before removals(): it keeps what it makes
    return Sanitized(sanitize(raw_html), tuple(removals(raw_html)))


_OPENING = re.compile(r"\A\s*<(h[1-6])\b[^>]*>(.*?)</\1>\s*<\1\b", re.DOTALL | re.IGNORECASE)


def opens_with_two_headings(raw_html: str) -> bool:
    """Tell whether a source opens with two headings of the same level."""
    return _OPENING.match(raw_html) is not None


def running_title(raw_htmls: list[str]) -> str:
    """Return the heading two or more files open with, each followed by a heading of the
    same level: the book's name repeated as a running title, not a chapter's; else ''.
    """
    counts: dict[str, int] = {}
    for raw in raw_htmls:
        match = _OPENING.match(raw)
        if match:
            text = " ".join(lxml.html.fragment_fromstring(match.group(2), create_parent="div")
                            .text_content().split())  # fmt: skip
            counts[text] = counts.get(text, 0) + 1
    best = max(counts.items(), key=lambda item: item[1], default=("", 0))
    return best[0] if best[1] >= 2 else ""


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _take_title(root: lxml.html.HtmlElement, metadata: Metadata, running: str = "") -> Metadata:
    """Take the title from the first block when it is a heading (at any level).

    A title the metadata gives wins, and a first heading repeating it is dropped. A
    ``running`` title (the book's name, opening every file) is dropped and the heading
    after it names the chapter.
    """
    first = next((el for el in root if isinstance(el.tag, str)), None)
    if first is not None and running and first.tag in HEADINGS and _text(first) == running:
        _drop(first)
        first = next((el for el in root if isinstance(el.tag, str)), None)
    if metadata.title:
        if first is not None and first.tag in HEADINGS and _text(first) == metadata.title:
            _drop(first)
        return metadata
    if first is None or first.tag not in HEADINGS or (root.text or "").strip():
        return metadata
    title = _text(first)
    _drop(first)
    return replace(metadata, title=title)


def _drop(el: lxml.html.HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    el.drop_tree()


def _note_xhtml(body: lxml.html.HtmlElement) -> str:
    return inner_xhtml(body).strip().replace("\xa0<", "<")


def _collect_notes(
    root: lxml.html.HtmlElement, index: int
) -> list[tuple[str, lxml.html.HtmlElement]]:
    """Rewrite Python-Markdown footnotes into noterefs; return (id, body) per note."""
    bodies: dict[str, lxml.html.HtmlElement] = {}
    for block in root.xpath('.//div[contains(concat(" ", @class, " "), " footnote ")]'):
        for li in block.iter("li"):
            if li.get("id", "").startswith("fn:"):
                bodies[li.get("id")[3:]] = li
        block.drop_tree()
    notes: list[tuple[str, lxml.html.HtmlElement]] = []
    numbers: dict[str, int] = {}
    calls: dict[str, int] = {}
    for ref in root.xpath('.//a[contains(concat(" ", @class, " "), " footnote-ref ")]'):
        key = ref.get("href", "").removeprefix("#fn:")
        body = bodies.get(key)
        holder = ref.getparent() if ref.getparent().tag == "sup" else ref
        if body is None:
            holder.drop_tree()
            continue
        number = numbers.setdefault(key, len(numbers) + 1)
        count = calls[key] = calls.get(key, 0) + 1
        first_call = count == 1
        note_id = f"fn-{index}-{number}"
        call = lxml.html.Element("a")
        call.set("class", "noteref")
        call.set("id", f"fnref-{index}-{number}" + ("" if first_call else f"-{count}"))
        call.set("href", f"#{note_id}")
        call.text = str(number)
        call.tail = holder.tail
        holder.getparent().replace(holder, call)
        if first_call:
            for backref in body.xpath('.//a[contains(@class, "footnote-backref")]'):
                backref.drop_tree()
            notes.append((note_id, body))
    return notes


def _shift_headings(root: lxml.html.HtmlElement) -> None:
    """Renumber headings so the highest is h2, keeping their relative depth."""
    levels = [int(el.tag[1]) for el in root.iter(*HEADINGS)]
    if not levels:
        return
    shift = 2 - min(levels)
    for el in root.iter(*HEADINGS):
        el.tag = f"h{min(6, int(el.tag[1]) + shift)}"


def _assign_ids(root: lxml.html.HtmlElement, ids: IdRegistry, index: int) -> dict[str, str]:
    """Make every id unique in the publication; return what each anchor name became.

    A link may name an element by the id its source gave it, or a heading by the slug of its
    text (as pandoc and GitHub make them); both map to the id the element finally has, so
    links keep working when a heading text repeats elsewhere in the book.
    """
    anchors: dict[str, str] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        old = el.get("id")
        if el.get("class") == "noteref":
            ids.used.add(old)
            continue
        if old:  # pandoc-crossref's "fig:x" keeps its parts apart: "fig-x", as Quarto has it
            anchors[old] = el.attrib["id"] = ids.claim(old.replace(":", "-"))
        elif el.tag in HEADINGS:
            el.set("id", ids.claim(slugify(_text(el))))
        if el.tag in HEADINGS:  # GitHub's and pandoc's slugs, and the ASCII one of old
            text = _text(el)
            for alias in (slugify(text), ascii_slug(text)):
                if alias:
                    anchors.setdefault(alias, el.get("id"))
        if el.get("id"):
            anchors.setdefault(el.get("id"), el.get("id"))
    return anchors


def _resolve_images(
    root: lxml.html.HtmlElement,
    base_dir: Path,
    where: str,
    assets: AssetStore,
    files: Mapping[str, bytes],
    source: Path | None,
) -> None:
    for img in list(root.iter("img")):
        src = img.get("src", "")
        if src in files:
            asset = assets.add_embedded(src, files[src], source, where)
        else:
            asset = assets.add(src, base_dir, where)
        if asset is None:
            alt = img.get("alt", "")
            span = lxml.html.Element("span")
            span.set("class", "missing-image")
            span.text = f"[{alt}]" if alt else ""
            span.tail = img.tail
            img.getparent().replace(img, span)
            continue
        img.set("src", asset.name)
        _mark_alt(img, src, where)


def _mark_alt(img: lxml.html.HtmlElement, src: str, where: str) -> None:
    """Give a decorative image ``alt=""`` and role presentation; warn when one lacks alt text.

    Decorative is said explicitly (``{.decorative}`` in Markdown, ``role="presentation"``
    in HTML): an empty alt alone may be an oversight, and screen readers then say nothing
    about an image that carried meaning.
    """
    alt = (img.get("alt") or "").strip()
    if "decorative" in img.get("class", "").split() or img.get("role") in ("presentation", "none"):
        img.set("alt", "")
        img.set("role", "presentation")
        return
    img.attrib.pop("role", None)  # no other role is an image's to take
    img.set("alt", alt)
    if not alt:
        log.warning(
            "%s: image '%s' has no alt text; describe what it shows in its alt text, or mark "
            "it decorative ({.decorative} after it in Markdown, role=\"presentation\" in HTML)",
            where, src,
        )  # fmt: skip


def _shape_blocks(root: lxml.html.HtmlElement) -> None:
    """Make lone images figures, wrap tables, mark thematic breaks as scene breaks."""
    for p in list(root.iter("p")):
        children = [c for c in p if isinstance(c.tag, str)]
        # A decorative image says nothing: it is no figure (a figure is announced).
        lone = len(children) == 1 and children[0].tag == "img" and not children[0].get("role")
        if lone and not (p.text or "").strip() and not (children[0].tail or "").strip():
            img = children[0]
            figure = lxml.html.Element("figure")
            figure.set("class", "figure")
            figure.tail = p.tail
            caption = img.attrib.pop("title", None)
            img.tail = None
            figure.append(img)
            if caption:
                etree.SubElement(figure, "figcaption").text = caption
            p.getparent().replace(p, figure)
    for img in root.iter("img"):
        if img.getparent().tag != "figure":
            img.set("class", " ".join(["inline", *img.get("class", "").split()]))
    for table in list(root.iter("table")):
        if table.getparent().get("class") != "table-wrap":
            wrap = lxml.html.Element("div")
            wrap.set("class", "table-wrap")
            table.addprevious(wrap)
            wrap.tail, table.tail = table.tail, None
            wrap.append(table)
    for hr in root.iter("hr"):
        hr.set("class", "scene-break")


def find_running_title(raws: Iterator[Raw], count: int) -> tuple[Iterator[Raw], str]:
    """Find a book's running title (its name opening every file) from its first two files.

    Only those two are read ahead, and only when the first opens with two headings of one
    level, so that the rest still streams (and warnings keep their order).
    """
    if count < 2:
        return raws, ""
    first = next(raws)
    if not opens_with_two_headings(first[1].html):
        return itertools.chain([first], raws), ""
    second = next(raws)
    running = running_title([first[1].html, second[1].html])
    return itertools.chain([first, second], raws), running
