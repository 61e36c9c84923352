"""One frozen record of a build's choices, checked once and passed down to every stage.

The CLI (options and the nearest exporter.toml) or an API caller builds it once; readers,
transforms and writers take it whole instead of a dozen keyword arguments threaded through
every function between the command line and the writers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from exporter.errors import UsageError
from exporter.guard.policy import Policy
from exporter.model import Metadata, is_valid_lang
from exporter.press import PrintSpec

LAYOUTS = ("article", "book")
LISTS = ("figures", "tables")  # the lists a book may open with (crossref.lists)
# WeasyPrint 70's PDF variants (weasyprint.pdf.VARIANTS, without its "debug"; a test keeps
# the two lists equal), listed here so that checking a choice never imports WeasyPrint.
PDF_VARIANTS = (
    "pdf/ua-1", "pdf/ua-2",
    "pdf/a-1a", "pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b",
    "pdf/a-3u", "pdf/a-4e", "pdf/a-4f", "pdf/a-4u",
    "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g",
    "none",
)  # fmt: skip
# Tagged for assistive technology (a structure tree, /Lang, the title shown) and identified
# as PDF/UA-1 in its XMP metadata, unless asked otherwise.
DEFAULT_PDF_VARIANT = "pdf/ua-1"
# A print-ready PDF (--print): PDF/X-4 keeps RGB colours with an sRGB (or given) output
# intent, as WeasyPrint does not convert to CMYK; it stays tagged, though not PDF/UA-1 too
# (a PDF names one variant).
PRINT_PDF_VARIANT = "pdf/x-4"
DEFAULT_FORMATS = ("pdf", "epub")
DEFAULT_TOC_DEPTH = 3  # chapters (1) and sections down to h3, as pandoc's --toc-depth


@dataclass(frozen=True)
class Settings:
    """Everything a build was asked for: what to make, from what, how, and within what."""

    # What to make.
    formats: tuple[str, ...] = DEFAULT_FORMATS
    theme: str | os.PathLike[str] | None = None  # a built-in theme's name or a theme folder
    # Stylesheets of the user's own after the theme's: FILE (every output) or TARGET:FILE
    # (pdf, epub, html), as --css and a config file's css = [...] give them (themes.user).
    css: tuple[str, ...] = ()
    # What the sources are.
    source_format: str | None = None  # a reader's name (--from); None: by each file's suffix
    encoding: str | None = None  # when the sources are not UTF-8 (a Python codec name)
    metadata: Metadata = field(default_factory=Metadata)  # overrides what sources declare
    bibliography: tuple[str, ...] = ()  # --bibliography: .bib/.json/.yaml files (win over sources')
    csl: str | None = None  # --csl: a CSL style file; None: the sources' or Chicago author-date
    cover: str | os.PathLike[str] | None = None  # a cover image (a manifest may name one)
    # Layout, for every output (page size and layout) and per format.
    page_size: str | None = None  # PDF: A4, Letter, A5, 6x9 or a CSS size; None: the theme's
    layout: str | None = None  # "article" or "book"; None: a book for several sources
    toc_depth: int = DEFAULT_TOC_DEPTH  # levels of the printed contents and the EPUB nav
    split_level: int = 1  # EPUB: also start a file at headings of this level (2-6)
    max_image_size: int | None = None  # EPUB: scale images down to this many pixels
    embed_fonts: bool = False  # EPUB: carry the theme's fonts (a PDF always has them)
    pdf_variant: str = DEFAULT_PDF_VARIANT  # PDF: a PDF_VARIANTS name; "none": plain, untagged
    press: PrintSpec | None = None  # PDF: print-ready (bleed, marks, PDF/X), and the cover's paper
    lists: tuple[str, ...] = ()  # a book's lists of "figures" and "tables" (front matter)
    # How, and within what.
    strict: bool = False  # any warning fails the build (exit 5)
    policy: Policy | None = None  # limits and switches; None: the current (safe) policy
    keep_html: bool = False  # also return the PDF's exact WeasyPrint input
    transforms: tuple[str, ...] = ()  # plugins' transforms to run (built-in ones always do)
    warm_up: bool = True  # load and exercise the renderer in this process first
    # A book's PDF, chapter by chapter (exporter.incremental): laid out on ``jobs`` cores,
    # each chapter's pages kept in ``cache_dir`` (None: no cache) for the next build.
    # An article is always one WeasyPrint document; so is a book with this off.
    incremental: bool = True
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    cache_dir: str | os.PathLike[str] | None = None

    def __post_init__(self) -> None:
        if self.layout not in (None, *LAYOUTS):
            raise UsageError(f"Unknown layout '{self.layout}'. Use one of: {', '.join(LAYOUTS)}.")
        if not isinstance(self.toc_depth, int) or not 1 <= self.toc_depth <= 6:
            raise UsageError(
                f"--toc-depth {self.toc_depth} is out of range; use 1 (chapters only) to 6."
            )
        if not 1 <= self.split_level <= 6:
            raise UsageError(f"--split-level {self.split_level}: use a heading level from 1 to 6.")
        if unknown := set(self.lists) - set(LISTS):
            raise UsageError(f"--list {sorted(unknown)[0]}: use one of {', '.join(LISTS)}.")
        if not isinstance(self.jobs, int) or self.jobs < 1:
            raise UsageError(f"-j {self.jobs}: give at least 1 (the number of layout processes).")
        if self.max_image_size is not None and self.max_image_size < 16:
            raise UsageError(f"--max-image-size {self.max_image_size}: give at least 16 pixels.")
        if self.css:
            from exporter.themes.user import check

            check(self.css)
        if self.page_size is not None:
            from exporter.themes import page_size_css

            page_size_css(self.page_size)  # fails naming the valid sizes
        if isinstance(self.metadata, Mapping):  # metadata={"title": ...} from Python
            names = {f.name for f in fields(Metadata)}
            if strange := sorted(set(self.metadata) - names):
                known = ", ".join(sorted(names))
                raise UsageError(f"Unknown metadata '{strange[0]}'. Use: {known}.")
            given: dict[str, Any] = {
                k: tuple(v) if isinstance(v, list) else v for k, v in self.metadata.items()
            }
            object.__setattr__(self, "metadata", Metadata(**given))
        elif not isinstance(self.metadata, Metadata):
            raise UsageError("metadata must be an exporter.Metadata or a mapping of its fields.")
        check_date(self.metadata.date)
        if self.pdf_variant not in PDF_VARIANTS:
            raise UsageError(
                f"Unknown PDF variant '{self.pdf_variant}'. Use one of: {', '.join(PDF_VARIANTS)}."
            )
        if self.press is not None:
            if self.pdf_variant == DEFAULT_PDF_VARIANT:
                object.__setattr__(self, "pdf_variant", PRINT_PDF_VARIANT)
            elif not self.pdf_variant.startswith("pdf/x"):
                raise UsageError(
                    f"--print makes a PDF/X; --pdf-variant {self.pdf_variant} is not one. "
                    "Leave --pdf-variant out (pdf/x-4) or give a pdf/x-* variant."
                )
        lang = self.metadata.lang
        if lang and not is_valid_lang(lang):
            raise UsageError(f"--lang '{lang}' is not a BCP 47 tag; use one like 'en' or 'pt-BR'.")
        # Each format once, in the order given: -f pdf -f pdf makes one PDF.
        object.__setattr__(self, "formats", tuple(dict.fromkeys(self.formats or DEFAULT_FORMATS)))

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Settings:
        """Build settings from keyword arguments, naming any that is not a setting.

        ``options`` (older callers' name for a Settings holding the layout choices) is the
        base that the other values are laid over.
        """
        values = dict(values)
        base = values.pop("options", None) or cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise UsageError(f"Unknown option '{unknown[0]}'. Options: {', '.join(sorted(known))}.")
        return replace(base, **values)


_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def check_date(date: str) -> None:
    """Fail unless an overriding date is a real YYYY, YYYY-MM or YYYY-MM-DD (time allowed)."""
    if not date:
        return
    try:
        if _ISO_DATE.fullmatch(date):
            dt.date.fromisoformat((date + "-01-01")[:10] if len(date) < 10 else date)
        else:
            dt.datetime.fromisoformat(date)
    except ValueError:
        raise UsageError(
            f"--date '{date}' is not a real date; use YYYY-MM-DD (or YYYY-MM, or YYYY)."
        ) from None


# The name the layout choices had before every setting lived in one record; kept for
# existing callers (``RenderOptions(page_size="A5")`` is a Settings).
RenderOptions = Settings
