"""How a publication is laid out: the choices the CLI, the API and a batch pass to writers.

One frozen record, checked once, instead of the same six keyword arguments threaded through
every function between the command line and the writers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from exporter.errors import UsageError

LAYOUTS = ("article", "book")
DEFAULT_TOC_DEPTH = 3  # chapters (1) and sections down to h3, as pandoc's --toc-depth


@dataclass(frozen=True)
class RenderOptions:
    """Layout choices for every output (page size and layout) and per format."""

    page_size: str | None = None  # PDF: A4, Letter, A5, 6x9 or a CSS size; None: the theme's
    layout: str | None = None  # "article" or "book"; None: a book for several sources
    toc_depth: int = DEFAULT_TOC_DEPTH  # levels of the printed contents and the EPUB nav
    split_level: int = 1  # EPUB: also start a file at headings of this level (2-6)
    max_image_size: int | None = None  # EPUB: scale images down to this many pixels
    embed_fonts: bool = False  # EPUB: carry the theme's fonts (a PDF always has them)

    def __post_init__(self) -> None:
        if self.layout not in (None, *LAYOUTS):
            raise UsageError(f"Unknown layout '{self.layout}'. Use one of: {', '.join(LAYOUTS)}.")
        if not isinstance(self.toc_depth, int) or not 1 <= self.toc_depth <= 6:
            raise UsageError(
                f"--toc-depth {self.toc_depth} is out of range; use 1 (chapters only) to 6."
            )
        if not 1 <= self.split_level <= 6:
            raise UsageError(f"--split-level {self.split_level}: use a heading level from 1 to 6.")
        if self.max_image_size is not None and self.max_image_size < 16:
            raise UsageError(f"--max-image-size {self.max_image_size}: give at least 16 pixels.")

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> RenderOptions:
        """Build options from keyword arguments, naming any that is not an option."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise UsageError(f"Unknown option '{unknown[0]}'. Options: {', '.join(sorted(known))}.")
        return cls(**values)
