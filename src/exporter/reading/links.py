"""Resolve links between the sources of a publication, once every source has been read.

A link can only be resolved when its target has been read too (``ch1.md`` may link to
``ch9.md#notes``), so the cleaning stage parks every local link under a placeholder and
records it here; ``LinkTable.resolve`` then rewrites each one to a fragment of the single
HTML intermediate (``#id``: ids are unique in the whole publication). The PDF uses that as an
internal link; the EPUB writer turns it into ``file.xhtml#id`` for whichever file holds the id.
A link to a file or fragment that is not in the publication becomes plain text with a warning
naming the source and line (``--strict`` makes that an error).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from exporter.ids import slugify
from exporter.markup import inner_xhtml
from exporter.model import Chapter

log = logging.getLogger("exporter")

PLACEHOLDER = "#exporter-link-"
CHAPTER_START = ""  # the anchor value that means "the start of the chapter"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class PendingLink:
    """A local link found in a source, waiting for every source to be read."""

    number: int
    chapter: int  # index of the chapter holding the link (1-based)
    where: str  # "file" or "file:line", for messages
    href: str  # as written in the source
    target: Path | None  # the file it names (real path), None for a same-file fragment
    fragment: str
    inside: bool = True  # the target is in the source's tree: saying it is missing is safe


@dataclass
class LinkTable:
    """The link targets every source offers and the links that wait for them."""

    files: dict[Path, int] = field(default_factory=dict)  # real path -> chapter index
    anchors: dict[int, dict[str, str]] = field(default_factory=dict)  # index -> {name: id}
    pending: list[PendingLink] = field(default_factory=list)
    site_root: Path | None = None  # where "/x.md" starts, in a project that has one
    # The trees the sources live in (their folders, the book's, --resource-root): only there
    # may a warning say whether a linked file exists. None: the linking source's folder.
    roots: list[Path] | None = None

    def add_source(self, index: int, path: Path | None, anchors: dict[str, str]) -> None:
        """Register a chapter's file and the names its anchors answer to."""
        if path is not None:
            self.files[Path(os.path.realpath(path))] = index
        self.anchors[index] = anchors

    def park(
        self, root: lxml.html.HtmlElement, *, index: int, name: str, base_dir: Path, text: str
    ) -> None:
        """Replace every local link in ``root`` with a placeholder and record it."""
        seen: dict[str, int] = {}
        for link in list(root.iter("a")):
            href = link.get("href")
            if href is None or "noteref" in (link.get("class") or "") or _SCHEME.match(href):
                continue
            seen[href] = seen.get(href, 0) + 1
            line = _line_of(text, href, seen[href])
            where = f"{name}:{line}" if line else name
            parts = urlsplit(href)
            if parts.netloc:  # "//host/x": a web address without its scheme
                log.warning("%s: link '%s' has no scheme; write https://...; kept as text",
                            where, href)  # fmt: skip
                link.drop_tag()
                continue
            target, inside = None, True
            if parts.path:
                local, folder = unquote(parts.path), base_dir
                if "\0" in local:  # "%00": no file has it, and the OS refuses the name
                    log.warning("%s: link '%s' has a NUL byte (%%00); kept as text", where, href)
                    link.drop_tag()
                    continue
                if self.site_root is not None and local.startswith("/"):
                    local, folder = local.lstrip("/"), self.site_root
                target = Path(os.path.realpath(folder / local))
                roots = self.roots or [Path(os.path.realpath(base_dir))]
                inside = any(target.is_relative_to(root) for root in roots)
            pending = PendingLink(
                number=len(self.pending),
                chapter=index,
                where=where,
                href=href,
                target=target,
                fragment=unquote(parts.fragment),
                inside=inside,
            )
            self.pending.append(pending)
            link.set("href", f"{PLACEHOLDER}{pending.number}")

    def resolve(
        self, chapters: list[Chapter], chapter_anchor: Callable[[int], str]
    ) -> list[Chapter]:
        """Rewrite every parked link to ``#id``, or to text with a warning."""
        hrefs = {p.number: self._href(p, chapter_anchor) for p in self.pending}
        fixed = []
        for chapter in chapters:
            if PLACEHOLDER not in chapter.html and not any(
                PLACEHOLDER in body for _, body in chapter.notes
            ):
                fixed.append(chapter)
                continue
            notes = tuple((note_id, _rewrite(body, hrefs)) for note_id, body in chapter.notes)
            fixed.append(replace(chapter, html=_rewrite(chapter.html, hrefs), notes=notes))
        return fixed

    def _href(self, link: PendingLink, chapter_anchor: Callable[[int], str]) -> str | None:
        index: int | None
        if link.target is None:
            index = link.chapter
        else:
            index = self._chapter_of(link.target)
            if index is None:
                # Outside the source's tree one message for both cases: a hostile source must
                # not learn from the warnings which files exist on the machine building it.
                if not link.inside:
                    problem = "names a file outside the source's folder, not in the publication"
                elif link.target.exists():
                    problem = (
                        "names a file that is not part of the publication (add it to the book)"
                    )
                else:
                    problem = (
                        "names a file that does not exist (check the path; it is relative "
                        "to the source file)"
                    )
                log.warning("%s: link '%s' %s; kept as text", link.where, link.href, problem)
                return None
        if not link.fragment:
            return "#" + chapter_anchor(index)
        anchors = self.anchors.get(index, {})
        found = anchors.get(link.fragment)
        if found is None:
            found = anchors.get(slugify(link.fragment))
        if found is None:
            log.warning(
                "%s: link '%s' points to '#%s', which is not an id or heading there; kept as text",
                link.where,
                link.href,
                link.fragment,
            )
            return None
        return "#" + (found or chapter_anchor(index))

    def _chapter_of(self, target: Path) -> int | None:
        """Return the chapter a file is; ``x.html`` reaches chapter ``x.md``.

        mdBook's sources link to the pages it will make (``x.html``, and ``index.html`` for
        a folder's ``README.md``), MkDocs' to directory URLs (``x/``); those pages are our
        chapters.
        """
        index = self.files.get(target)
        if index is None and target.suffix in (".html", "") and not target.is_file():
            # x.html and index.html (mdBook), x/ (MkDocs' directory URLs) name x.md.
            stem = target.with_suffix("") if target.suffix else target
            names = [stem.with_name(stem.name + ".md"), stem / "index.md", stem / "README.md"]
            if target.name == "index.html":
                names += [target.with_name("README.md"), target.with_name("index.md")]
            index = next((self.files[n] for n in names if n in self.files), None)
        return index


def _rewrite(html: str, hrefs: dict[int, str | None]) -> str:
    """Give each parked link in ``html`` its target, or make it text when it has none."""
    if PLACEHOLDER not in html:
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for link in list(root.iter("a")):
        href = link.get("href", "")
        if not href.startswith(PLACEHOLDER):
            continue
        target = hrefs.get(int(href[len(PLACEHOLDER) :]))
        if target is None:
            link.drop_tag()
        else:
            link.set("href", target)
    return inner_xhtml(root)


def _line_of(text: str, href: str, occurrence: int) -> int | None:
    """Return the line of the ``occurrence``-th appearance of ``href`` in the source."""
    start = -1
    for _ in range(occurrence):
        start = text.find(href, start + 1)
        if start < 0:
            return None
    return text.count("\n", 0, start) + 1
