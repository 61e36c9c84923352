"""The walk through a book's units: each laid out (or fetched) from what the ones before it
came to, in parallel where it can be predicted (``build`` runs it round after round).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from exporter import progress
from exporter.incremental import units
from exporter.incremental.cache import Cache, unit_key
from exporter.incremental.pages import ending, located, page_map
from exporter.incremental.parallel import Job, lay_out_all, lay_out_chain
from exporter.model import Document
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.writers import pagelabels
from exporter.writers.pdf_units import Piece, remargin, system_fonts


class Walk:
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
        # The theme's files (2-4 MB of fonts) hashed once, not again in every unit's key,
        # and the system's fonts, where a chapter's fallback glyphs come from.
        self.theme_files = [
            *(
                hashlib.sha256(p.read_bytes()).digest()
                for p in sorted(theme.path.rglob("*"))
                if p.is_file()
            ),
            system_fonts(),
        ]
        self.memo: dict[str, Piece] = {}
        self._jobs: dict[tuple[int, units.HandedIn], Job] = {}
        self._fetched: dict[str, Piece] = {}  # pieces read from the cache in this build
        self.laid_out: list[str] = []
        self.cached: list[str] = []
        self.remargined: list[str] = []  # moved units whose margin boxes alone were re-made
        self._bodies: dict[str, Piece] = {}  # body key -> a piece laid out in this build
        self._last: list[Piece] = []
        self.standing_in = True  # off once a stand-in for the front matter was wrong
        self.settled = True  # the index's pages are those its terms landed on
        # The units before the index, which can be laid out before anyone knows its pages.
        self.before_index = next(
            (i for i, unit in enumerate(book.units) if unit.holds_index), len(book.units)
        )

    def job(self, index: int, handed: units.HandedIn) -> Job:
        """Return the layout job of unit ``index`` with what is handed in to it."""
        # Asked twice for each unit before the edited one (predicted, then checked) before
        # its layout starts: made once (its HTML and key, ~1.5 ms a unit).
        made = self._jobs.get((index, handed))
        if made is None:
            made = self._jobs[(index, handed)] = self._job(index, handed)
        return made

    def _job(self, index: int, handed: units.HandedIn) -> Job:
        html = units.unit_html(self.book, index, handed)
        used = [a.data for a in self.doc.assets if a.name in html]
        press = [repr(self.settings.press).encode()] if self.settings.press else []
        files = [*self.theme_files, *used, *press]
        key = unit_key(html, self.css, files, self.settings.pdf_variant)
        first = self.book.units[index].name if index else None
        stop = units.stop(self.book, index, handed)
        unit, body = self.book.units[index], ""
        if index and not unit.holds_index and not unit.links_within:
            bare = html.replace(units.lead_counter(handed.page), "", 1)
            body = unit_key(bare, self.css, files, self.settings.pdf_variant)
        phantoms = frozenset(a for a, _ in handed.targets)
        return Job(key, html, first, stop, phantoms, body, handed.page)

    def fetch(self, job: Job) -> Piece | None:
        """Return the job's piece from this build's memory or the cache."""
        piece = self.memo.get(job.key, self._fetched.get(job.key))
        if piece is None and self.cache is not None:
            # Read (and its PDF checked) once a build, not at each of the walk's 2-3 asks.
            piece = self.cache.get(job.key)
            if piece is not None:
                self._fetched[job.key] = piece
        return piece

    def round(self, pages: Mapping[str, int]) -> list[Piece]:
        """Lay out every unit once, in order, with anchors' pages as ``pages`` gives them."""
        pieces: list[Piece] = []
        keys: list[str | None] = []  # the key each piece was laid out under
        count = len(self.book.units)
        index = 0
        # A cold book: once, in the first round. Not when a chapter links within itself: a
        # target-counter to its own pages would count from the page 0 it is laid out from.
        within = any(unit.links_within for unit in self.book.units[1 : self.before_index])
        cold = not self._lengths and not self.memo
        if self.settings.jobs > 1 and cold and self.before_index > 2 and not within:
            pages = self._prefill(pages)
        stand_in = self._stand_in(pages)
        if stand_in is not None:
            pieces.append(stand_in)
            keys.append(None)
            index = 1
        while index < count:
            # The units after a known one: their handed-in state is predicted from the
            # piece lengths of the last build, so that they can be laid out together.
            batch = self._predict(pieces, index, pages)
            todo = [job for job in batch if self.fetch(job) is None]
            rest = self._remargin(todo, [u.name for u in self.book.units[index:]], batch)
            laid = lay_out_all(rest, self.css, self.theme, self.doc.assets, self.settings)
            for job, piece in zip(rest, laid, strict=True):
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
                keys.append(job.key)
                index += 1
        if stand_in is not None:
            # The contents, laid out once, after the chapters: with their new pages.
            front_job = self.job(0, self._handed([], 0, page_map(pieces)))
            front, assets = self.fetch(front_job), self.doc.assets
            if front is None:
                front = lay_out_all([front_job], self.css, self.theme, assets, self.settings)[0]
                self._keep(front_job, front)
                self.laid_out.append(units.FRONT)
            if ending(front) != ending(stand_in):  # it hands in otherwise: walk again
                self.standing_in = False
                return self.round(pages)
            pieces[0], keys[0] = front, front_job.key
            self._placed(0, [], front)
        self._last = pieces
        self.settled = self._settled(pieces, keys, pages)
        return pieces

    def _remargin(self, todo: list[Job], names: list[str], batch: list[Job]) -> list[Job]:
        """Re-make the margin boxes of the units in ``todo`` whose body was laid out before
        (they only moved), all in one render; return the jobs still to lay out."""
        moved = [(job, found) for job in todo if (found := self._bodied(job)) is not None]
        if not moved:
            return todo
        made = remargin(
            [(piece, job.page) for job, piece in moved],
            self.book.head,
            self.css,
            self.theme,
            self.doc.assets,
            self.settings.pdf_variant,
        )
        if made is None:
            return todo
        for (job, _), piece in zip(moved, made, strict=True):
            self._keep(job, piece)
            self.remargined.append(names[batch.index(job)])
        return [job for job in todo if job.key not in self.memo]

    def _bodied(self, job: Job) -> Piece | None:
        """Return a piece laid out with the job's body and a record of its margins."""
        if not job.body:
            return None
        found = self._bodies.get(job.body)
        if found is None and self.cache is not None:
            found = self.cache.with_body(job.body)
        return found if found is not None and found.margins is not None else None

    def _settled(
        self, pieces: list[Piece], keys: list[str | None], pages: Mapping[str, int]
    ) -> bool:
        """Tell whether the index was laid out with the pages its terms are on in ``pieces``.

        It was not when its terms lie in front matter stood in for, or in units after it
        (from the last round's pages): the next round lays it out again.
        """
        for index, unit in enumerate(self.book.units):
            if (
                unit.holds_index
                and self.job(index, self._handed(pieces, index, pages)).key != keys[index]
            ):
                self.standing_in = False  # terms in the front matter need the real one
                return False
        return True

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

    def _prefill(self, pages: Mapping[str, int]) -> Mapping[str, int]:
        """Lay out a cold book's chapters all at once, their folios told as they are known.

        Returns the anchors' pages to walk with, as the chapters reported them. The front
        matter is laid out last, beside the last chapters, once its contents' pages are
        known; what it hands in (last page counter, side) is guessed meanwhile (last build,
        or roman folios on an even count) and checked: a wrong guess lays them out again.
        """
        guesses = [  # the index is left out: its pages come from the units before it
            self.job(i, units.HandedIn(0, True, units.cross_targets(self.book, i, pages)))
            for i in range(1, self.before_index)
        ]
        ending = self._stored().get("front", {})
        start = (ending.get("page", 0), ending.get("pages", 0))
        found: dict[str, int] = {}

        def front_after(reported: dict[str, int]) -> Job:
            found.update(reported)
            return self.job(0, self._handed([], 0, found))

        def chain(start: tuple[int, int]) -> tuple[list[tuple[Piece, int]], Piece | None]:
            found.clear()
            settings, assets = self.settings, self.doc.assets
            return lay_out_chain(
                guesses, start, self.css, self.theme, assets, settings, front_after
            )

        def told(start: tuple[int, int], front: Piece) -> tuple[int, int] | None:
            """Return what the front matter hands in when it is not ``start`` (a guess)."""
            first = self._handed([front], 1, pages)
            if first.page == start[0] and (len(front.folios) - start[1]) % 2 == 0:
                return None
            return first.page, len(front.folios)

        done, front = chain(start)
        if front is not None and (right := told(start, front)):  # once more, told it
            done, front = chain(right)
            if front is not None and told(right, front):
                return pages
        if front is None:
            return pages
        self._keep(front_after(found), front)
        self.laid_out.append(units.FRONT)
        pieces = [front]
        for index, (piece, page) in enumerate(done, start=1):
            handed = self._handed(pieces, index, pages)
            if handed.page != page or not handed.verso:  # the folios disagree: lay it out
                break
            self._keep(self.job(index, handed), piece)
            self.laid_out.append(self.book.units[index].name)
            pieces.append(piece)
        return found

    def _predict(self, pieces: list[Piece], start: int, pages: Mapping[str, int]) -> list[Job]:
        """Return jobs for units ``start``.. with handed-in states predicted from last time."""
        jobs = [self.job(start, self._handed(pieces, start, pages))]
        lengths = self._lengths
        guess = list(pieces)
        for index in range(start, min(len(self.book.units) - 1, self.before_index - 1)):
            length = lengths.get(self.book.units[index].name)
            known = self.fetch(jobs[-1])
            moved = self._bodied(jobs[-1]) if known is None else None
            if known is not None:
                guess.append(known)
            elif moved is not None:  # its margins alone will be re-made: as many pages
                guess.append(Piece(b"", (None,) * len(moved.folios), {}, (), ()))
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
        handed = units.HandedIn(number if style == "D" else 0, len(folios) % 2 == 0, targets)
        if not self.book.units[index].holds_index:
            return handed
        return located(handed, self.book.units[index], [*pieces[:index], *self._last[index:]])

    def _keep(self, job: Job, piece: Piece) -> None:
        self.memo[job.key] = piece
        if job.body:
            self._bodies[job.body] = piece
        if self.cache is not None:
            self.cache.put(job.key, piece, job.body)

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
        pages_, page = ending(self._last[0])
        self.cache.root.mkdir(parents=True, exist_ok=True)
        path = self.cache.root / f"book-{self._identity()}.json"
        front = {"pages": pages_, "page": page}
        path.write_text(json.dumps({"pages": pages, "lengths": lengths, "front": front}))

    def _identity(self) -> str:
        names = "\n".join(u.name for u in self.book.units)
        return hashlib.sha256((self.book.head + names).encode()).hexdigest()[:24]
