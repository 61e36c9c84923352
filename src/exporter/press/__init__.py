"""Print-ready output: what a printer or a print-on-demand service is given (``--print``).

A ``PrintSpec`` holds the choices: the bleed round the trimmed page (3 mm, or 0.125 in for a
page size in inches), whether crop and cross marks are drawn, the output intent (an ICC
profile; WeasyPrint's sRGB when none is given) and the paper, whose thickness per page sets
the cover's spine. The trim size is the PDF's page size (``--page-size``). A book.toml may
hold the same choices as a ``[print]`` table, which makes the book's PDF print-ready.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporter.errors import SourceError, UsageError
from exporter.guard.policy import refuse_outside

PT = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "pc": 12.0, "px": 0.75}
# Paper thickness per page (one leaf is two pages), from the print-on-demand services'
# spine formulas: KDP's white paper 0.002252 in, cream 0.0025 in, colour (coated) 0.002347 in.
PAPERS = {"white": 0.002252 * 72, "cream": 0.0025 * 72, "coated": 0.002347 * 72}
DEFAULT_PAPER = "white"
BLEED_MM = 3 * PT["mm"]  # ISO practice
BLEED_IN = 0.125 * PT["in"]  # US practice, for page sizes given in inches
# The @page size names CSS knows, in points (CSS Paged Media 3).
_MM = {
    "a5": (148, 210), "a4": (210, 297), "a3": (297, 420), "b5": (176, 250), "b4": (250, 353),
    "jis-b5": (182, 257), "jis-b4": (257, 364),
}  # fmt: skip
PAGE_NAMES = {name: (w * PT["mm"], h * PT["mm"]) for name, (w, h) in _MM.items()} | {
    "letter": (612.0, 792.0), "legal": (612.0, 1008.0), "ledger": (792.0, 1224.0),
}  # fmt: skip
MAX_ICC_BYTES = 16 * 1024 * 1024  # printers' CMYK profiles are 0.5-4 MB
TABLE_KEYS = {"bleed", "marks", "output_intent", "paper", "paper_thickness", "cover"}
_LENGTH = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(mm|cm|in|pt|pc|px)\s*", re.IGNORECASE)
ICC_SPACES = {b"RGB ": 3, b"CMYK": 4, b"GRAY": 1}


def length_pt(text: str, what: str) -> float:
    """Return a CSS length (3mm, 0.125in, 8.5pt) in points, or fail naming the option."""
    match = _LENGTH.fullmatch(str(text))
    if not match:
        raise UsageError(f"{what} '{text}' is not a length; give one such as 3mm or 0.125in.")
    return float(match.group(1)) * PT[match.group(2).lower()]


@dataclass(frozen=True)
class PrintSpec:
    """A print-ready PDF's choices, checked; lengths in PDF points."""

    bleed: float | None = None  # None: 3 mm, or 0.125 in for a page size in inches
    marks: bool = True  # crop and cross marks, outside the bleed
    output_intent: bytes = b""  # an ICC profile; empty: WeasyPrint's sRGB
    intent_name: str = ""  # the profile's file name, shown as the intent's identifier
    paper: str = DEFAULT_PAPER
    paper_thickness: float | None = None  # per page; None: the paper kind's
    cover: bool = True  # a book also gets its full-wrap cover (NAME-cover.pdf)

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise UsageError(f"Unknown paper '{self.paper}'. Use one of: {', '.join(PAPERS)}.")
        if self.bleed is not None and not 0 <= self.bleed <= 72:
            raise UsageError("The bleed must be between 0 and 1 in (printers ask for 3 mm).")
        if self.paper_thickness is not None and not 0 < self.paper_thickness <= 2:
            raise UsageError("The paper thickness is per page: give one between 0.01mm and 0.7mm.")

    @classmethod
    def of(
        cls,
        bleed: str | None = None,
        marks: bool = True,
        output_intent: str | os.PathLike[str] | None = None,
        paper: str | None = None,
        paper_thickness: str | None = None,
        cover: bool = True,
        intent_from: str = "--output-intent",
    ) -> PrintSpec:
        """Build the choices from their written form (lengths with units, a profile's path,
        named in errors as ``intent_from`` says)."""
        icc, name = (
            (read_icc(Path(output_intent), intent_from), Path(output_intent).name)
            if output_intent
            else (b"", "")
        )
        return cls(
            bleed=None if bleed is None else length_pt(bleed, "--bleed"),
            marks=marks,
            output_intent=icc,
            intent_name=name,
            paper=paper or DEFAULT_PAPER,
            paper_thickness=None
            if paper_thickness is None
            else length_pt(paper_thickness, "--paper-thickness"),
            cover=cover,
        )

    def bleed_for(self, page_size: str) -> float:
        """Return the bleed in points: the one given, else the custom of the page's units."""
        if self.bleed is not None:
            return self.bleed
        return BLEED_IN if "in" in page_size.lower() or "letter" in page_size.lower() else BLEED_MM

    def thickness(self) -> float:
        """Return one page's thickness in points: the one given, else the paper kind's."""
        return self.paper_thickness if self.paper_thickness is not None else PAPERS[self.paper]

    def spine(self, pages: int) -> float:
        """Return the spine's width in points for a book of ``pages`` pages."""
        return pages * self.thickness()

    def intent_colours(self) -> int:
        """Return the output intent's number of colour components (3: RGB, 4: CMYK)."""
        return ICC_SPACES[self.output_intent[16:20]] if self.output_intent else 3


def read_icc(path: Path, named_by: str = "--output-intent") -> bytes:
    """Return an ICC profile's bytes, or fail naming the file (and what named it) when it is
    not one."""
    try:
        data = b""
        if path.is_file():  # not a device (/dev/zero never ends) or a FIFO (would block)
            with path.open("rb") as handle:
                data = handle.read(MAX_ICC_BYTES + 1)
        else:
            path.stat()  # a missing file says so
    except OSError as exc:
        raise SourceError(f"{named_by} {path}: cannot be read ({exc.strerror}).") from None
    if len(data) > MAX_ICC_BYTES:
        raise SourceError(f"{named_by} {path}: over 16 MB, too big for an ICC profile.")
    if len(data) < 128 or data[36:40] != b"acsp" or data[16:20] not in ICC_SPACES:
        raise SourceError(
            f"{named_by} {path}: not an RGB, CMYK or grey ICC profile; give the .icc "
            "file your printer names (or leave the option out for sRGB)."
        )
    return data


def trim_size(page_css: str) -> tuple[float, float]:
    """Return the trim width and height in points of an @page size (names or lengths)."""
    words = page_css.lower().split()
    lengths = [length_pt(w, "page size") for w in words if _LENGTH.fullmatch(w)]
    named = [PAGE_NAMES[w] for w in words if w in PAGE_NAMES]
    if len(lengths) == 2:
        width, height = lengths
    elif len(lengths) == 1:
        width = height = lengths[0]
    elif named:
        width, height = named[0]
    else:
        raise UsageError(f"Page size '{page_css}' has no size a printer can trim to.")
    if "landscape" in words:
        width, height = max(width, height), min(width, height)
    elif "portrait" in words:
        width, height = min(width, height), max(width, height)
    return width, height


def from_table(table: Any, manifest: Path) -> PrintSpec:
    """Return the choices of a book.toml's ``[print]`` table, failing with its name."""
    if not isinstance(table, dict):
        raise SourceError(f"{manifest}: '[print]' must be a table such as bleed = \"3mm\".")
    unknown = sorted(set(table) - TABLE_KEYS)
    if unknown:
        raise SourceError(
            f"{manifest}: [print] has an unknown key '{unknown[0]}'. "
            f"Known keys: {', '.join(sorted(TABLE_KEYS))}."
        )
    intent = manifest.parent / str(table["output_intent"]) if "output_intent" in table else None
    if intent is not None:  # the manifest comes with the sources: it may name any file
        refuse_outside(intent, manifest.parent, f"{manifest}: [print] output_intent")
    try:
        return PrintSpec.of(
            bleed=_opt_str(table.get("bleed")),
            marks=bool(table.get("marks", True)),
            output_intent=intent,
            paper=_opt_str(table.get("paper")),
            paper_thickness=_opt_str(table.get("paper_thickness")),
            cover=bool(table.get("cover", True)),
            intent_from=f"{manifest}: [print] output_intent",
        )
    except UsageError as exc:
        raise SourceError(f"{manifest}: [print]: {exc}") from None


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
