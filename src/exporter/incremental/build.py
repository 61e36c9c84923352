"""Build a book's PDF unit by unit: from the cache where nothing changed, in parallel where
much did, then assembled into one PDF (the writer registered as ``pdf``).

A book's units hand in to each other (``units``): the page counter and side of the page
before, and the pages of the anchors a unit links to in another unit (the printed
contents). The walk lays them out in reading order, each from what the ones before it
came to; a unit whose key is in the cache is not laid out at all. The pages of anchors
come from the previous build (kept in the cache beside the pieces) or from the first round;
when a round moves an anchor some unit links to, that unit is laid out again, until
nothing moves (the contents after the chapters, usually one extra round in a cold build).

An article, or a build with ``incremental`` off, takes the whole-document writer.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from exporter import progress
from exporter.errors import NOTICE
from exporter.incremental import units
from exporter.incremental.cache import Cache, unit_key
from exporter.incremental.parallel import Job, lay_out_all, lay_out_chain
from exporter.model import Document
from exporter.rendering import PDF, Target, body_parts, render_document
from exporter.rendering.dates import build_date
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.writers import pagelabels
from exporter.writers import pdf as whole
from exporter.writers.pdf_units import Piece
from exporter.writers.pdflog import font_timestamps

log = logging.getLogger("exporter")

ROUNDS = 4  # a contents page that moves its own chapters' pages settles in two


def write(doc: Document, theme: Theme, settings: Settings, made: Mapping[str, bytes]) -> bytes:
    """Return the PDF of ``doc``: a book unit by unit, anything else as one document."""
    if not doc.is_book or not settings.incremental:
        return whole.write(doc, theme, settings, made)
    if settings.press or any(chapter.type == "index" for chapter in doc.chapters):
        # Not made chapter by chapter yet: a print-ready PDF's boxes and output intent, and
        # the index's page numbers (a second layout). The whole-document writer makes them.
        log.log(NOTICE, "a print-ready PDF or a book with an index is laid out as a whole")
        return whole.write(doc, theme, settings, made)
    with font_timestamps(int(build_date(doc).timestamp())):
        return build_book(doc, theme, settings).pdf


def preload(theme: Theme, settings: Settings) -> None:
    """Load what a PDF build needs before the document comes: WeasyPrint, CSS, pikepdf."""
    whole.preload(theme, settings)
    import exporter.incremental.assemble  # noqa: F401  (pikepdf, for books)


@dataclass
class Built:
    """A book's PDF and how it was made: units laid out and units taken from the cache."""

    pdf: bytes
    laid_out: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)


def build_book(doc: Document, theme: Theme, settings: Settings) -> Built:
    """Lay out (or fetch) every unit of the book and assemble the PDF."""
    modified = build_date(doc).strftime("%Y-%m-%dT%H:%M:%SZ")
    target = Target.of(PDF, theme, settings, modified)
    parts = body_parts(doc, target)  # made once: the document is their join
    book = units.split(render_document(doc, target, parts=parts), parts)
    css = whole.print_css(theme, settings)
    cache = Cache(Path(settings.cache_dir)) if settings.cache_dir else None
    walk = _Walk(book, css, theme, doc, settings, cache)
    pages = walk.stored_pages()
    for _ in range(ROUNDS):
        pieces = walk.round(pages)
        moved = page_map(pieces)
        if all(
            units.cross_targets(book, i, moved) == units.cross_targets(book, i, pages)
            for i in range(len(book.units))
        ):
            break
        pages = moved
    from exporter.incremental.assemble import assemble  # pikepdf: only for a book

    walk.store_pages(moved)
    if cache:
        cache.prune()
    log.info(
        "PDF: %d unit(s) laid out, %d taken from %s",
        len(walk.laid_out),
        len(walk.cached),
        cache.root if cache else "this build",
    )
    return Built(assemble(pieces, book.modified, units.STAMP), walk.laid_out, walk.cached)


def page_map(pieces: list[Piece]) -> dict[str, int]:
    """Return each anchor's page counter (its folio in the main matter) in the whole book."""
    folios = [f for piece in pieces for f in piece.folios]
    labels = pagelabels.labels(folios)
    found: dict[str, int] = {}
    offset = 0
    for piece in pieces:
        for anchor, index in piece.anchors.items():
            style, number = labels[offset + index]
            found.setdefault(anchor, number if style == "D" else 0)
        offset += len(piece.folios)
    return found


def _ending(front: Piece) -> tuple[int, int]:
    """Return what front matter hands in: its page count and its last page's counter."""
    style, number = pagelabels.labels(front.folios)[-1]
    return len(front.folios), number if style == "D" else 0


class _Walk:
    """Lays out a book's units in order, each from what the units before it came to."""

    def __init__(
        self,
        book: units.Book,
        css: str,
        theme: Theme,
        doc: Document,
        settings: Settings,
        cache: Cache | None,
    ) -> None:
        self.book, self.css, self.theme, self.doc, self.settings = book, css, theme, doc, settings
        self.cache = cache
        # The theme's files (2-4 MB of fonts) hashed once, not again in every unit's key.
        self.theme_files = [
            hashlib.sha256(p.read_bytes()).digest()
            for p in sorted(theme.path.rglob("*"))
            if p.is_file()
        ]
        self.memo: dict[str, Piece] = {}
        self.laid_out: list[str] = []
        self.cached: list[str] = []
        self._last: list[Piece] = []
        self.standing_in = True  # off once a stand-in for the front matter was wrong

    def job(self, index: int, handed: units.HandedIn) -> Job:
        """Return the layout job of unit ``index`` with what is handed in to it."""
        html = units.unit_html(self.book, index, handed)
        used = [a.data for a in self.doc.assets if a.name in html]
        key = unit_key(html, self.css, [*self.theme_files, *used], self.settings.pdf_variant)
        first = self.book.units[index].name if index else None
        stop = units.TRAIL if index + 1 < len(self.book.units) else None
        return Job(key, html, first, stop, frozenset(a for a, _ in handed.targets))

    def fetch(self, job: Job) -> Piece | None:
        """Return the job's piece from this build's memory or the cache."""
        piece = self.memo.get(job.key)
        if piece is None and self.cache is not None:
            piece = self.cache.get(job.key)
        return piece

    def round(self, pages: Mapping[str, int]) -> list[Piece]:
        """Lay out every unit once, in order, with anchors' pages as ``pages`` gives them."""
        pieces: list[Piece] = []
        count = len(self.book.units)
        index = 0
        # A cold book: once, in the first round. Not when a chapter links within itself: a
        # target-counter to its own pages would count from the page 0 it is laid out from.
        within = any(unit.links_within for unit in self.book.units[1:])
        cold = not self._lengths and not self.memo
        if self.settings.jobs > 1 and cold and count > 2 and not within:
            self._prefill(pages)
        stand_in = self._stand_in(pages)
        if stand_in is not None:
            pieces.append(stand_in)
            index = 1
        while index < count:
            # The units after a known one: their handed-in state is predicted from the
            # piece lengths of the last build, so that they can be laid out together.
            batch = self._predict(pieces, index, pages)
            todo = [job for job in batch if self.fetch(job) is None]
            laid = lay_out_all(todo, self.css, self.theme, self.doc.assets, self.settings)
            for job, piece in zip(todo, laid, strict=True):
                self._keep(job, piece)
                self.laid_out.append(self.book.units[batch.index(job) + index].name)
            for job in batch:  # keep those whose prediction held, in order
                if job != self.job(index, self._handed(pieces, index, pages)):
                    break
                found = self.fetch(job)
                if found is None:  # a cache entry removed meanwhile: lay it out
                    break
                piece = found
                if job not in todo:
                    self.cached.append(self.book.units[index].name)
                else:
                    self._placed(index, pieces, piece)
                pieces.append(piece)
                index += 1
        if stand_in is not None:
            # The contents, laid out once, after the chapters: with their new pages.
            front_job = self.job(0, self._handed([], 0, page_map(pieces)))
            front, assets = self.fetch(front_job), self.doc.assets
            if front is None:
                front = lay_out_all([front_job], self.css, self.theme, assets, self.settings)[0]
                self._keep(front_job, front)
                self.laid_out.append(units.FRONT)
            if _ending(front) != _ending(stand_in):  # it hands in otherwise: walk again
                self.standing_in = False
                return self.round(pages)
            pieces[0] = front
            self._placed(0, [], front)
        self._last = pieces
        return pieces

    def _placed(self, index: int, before: list[Piece], piece: Piece) -> None:
        """Tell that a unit just laid out has its place: the page it starts at in the book,
        and how many pages it had in the last build (a preview shows it there at once)."""
        name = self.book.units[index].name
        at = sum(len(p.folios) for p in before)
        was = self._lengths.get(name) if index else self._stored().get("front", {}).get("pages")
        progress.tell("placed", unit=name, at=at, was=was, pdf=piece.pdf, pages=len(piece.folios))

    def _stand_in(self, pages: Mapping[str, int]) -> Piece | None:
        """Return a stand-in for front matter that changed, as long as it was last time.

        Its contents list the chapters' pages: laid out first, it would be laid out again
        once they are known. The stand-in hands the chapters what it did last time; the
        front matter is laid out after them, and checked to hand in the same.
        """
        if not self.standing_in or self.fetch(self.job(0, self._handed([], 0, pages))):
            return None
        ending = self._stored().get("front", {})
        if "pages" not in ending or "page" not in ending:
            return None
        last: pagelabels.Label = ("D", ending["page"]) if ending["page"] else ("r", 1)
        return Piece(b"", (None,) * (ending["pages"] - 1) + (last,), {}, (), ())

    def _prefill(self, pages: Mapping[str, int]) -> None:
        """Lay out a cold book's chapters all at once, their folios told as they are known."""
        front_job = self.job(0, self._handed([], 0, pages))
        front = self.fetch(front_job)
        if front is None:
            assets = self.doc.assets
            front = lay_out_all([front_job], self.css, self.theme, assets, self.settings)[0]
            self._keep(front_job, front)
            self.laid_out.append(units.FRONT)
        first = self._handed([front], 1, pages)
        if not first.verso:
            return
        count = len(self.book.units)
        guesses = [
            self.job(i, units.HandedIn(0, True, units.cross_targets(self.book, i, pages)))
            for i in range(1, count)
        ]
        start = (first.page, len(front.folios))
        done = lay_out_chain(guesses, start, self.css, self.theme, self.doc.assets, self.settings)
        pieces = [front]
        for index, (piece, page) in enumerate(done, start=1):
            handed = self._handed(pieces, index, pages)
            if handed.page != page or not handed.verso:  # the folios disagree: lay it out
                break
            self._keep(self.job(index, handed), piece)
            self.laid_out.append(self.book.units[index].name)
            pieces.append(piece)

    def _predict(self, pieces: list[Piece], start: int, pages: Mapping[str, int]) -> list[Job]:
        """Return jobs for units ``start``.. with handed-in states predicted from last time."""
        jobs = [self.job(start, self._handed(pieces, start, pages))]
        lengths = self._lengths
        guess = list(pieces)
        for index in range(start, len(self.book.units) - 1):
            length = lengths.get(self.book.units[index].name)
            known = self.fetch(jobs[-1])
            if known is not None:
                guess.append(known)
            elif length is not None and self.settings.jobs > 1:
                guess.append(Piece(b"", (None,) * length, {}, (), ()))
            else:
                break
            jobs.append(self.job(index + 1, self._handed(guess, index + 1, pages)))
        return jobs

    def _handed(self, pieces: list[Piece], index: int, pages: Mapping[str, int]) -> units.HandedIn:
        """Return what the pieces before unit ``index`` hand in to it."""
        targets = units.cross_targets(self.book, index, pages)
        if index == 0:
            return units.HandedIn(targets=targets)
        folios = [f for piece in pieces[:index] for f in piece.folios]
        style, number = pagelabels.labels(folios)[-1]
        return units.HandedIn(number if style == "D" else 0, len(folios) % 2 == 0, targets)

    def _keep(self, job: Job, piece: Piece) -> None:
        self.memo[job.key] = piece
        if self.cache is not None:
            self.cache.put(job.key, piece)

    @property
    def _lengths(self) -> dict[str, int]:
        return dict(self._stored().get("lengths", {}))

    def _stored(self) -> dict[str, dict[str, int]]:
        if self.cache is None:
            return {}
        try:
            data = json.loads((self.cache.root / f"book-{self._identity()}.json").read_text())
            return {k: {str(a): int(b) for a, b in v.items()} for k, v in data.items()}
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def stored_pages(self) -> dict[str, int]:
        """Return the anchors' pages of this book's last build (empty when unknown)."""
        return self._stored().get("pages", {})

    def store_pages(self, pages: dict[str, int]) -> None:
        """Keep the anchors' pages and the units' lengths for the next build."""
        if self.cache is None:
            return
        lengths = {u.name: len(p.folios) for u, p in zip(self.book.units, self._last, strict=False)}
        pages_, page = _ending(self._last[0])
        self.cache.root.mkdir(parents=True, exist_ok=True)
        path = self.cache.root / f"book-{self._identity()}.json"
        front = {"pages": pages_, "page": page}
        path.write_text(json.dumps({"pages": pages, "lengths": lengths, "front": front}))

    def _identity(self) -> str:
        names = "\n".join(u.name for u in self.book.units)
        return hashlib.sha256((self.book.head + names).encode()).hexdigest()[:24]
