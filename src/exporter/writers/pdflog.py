"""What WeasyPrint logs and stamps while it writes a PDF, made right for exporter.

A missing alt text is reported by the reading stage with its source file, so WeasyPrint's
own message is dropped; the fontTools subsetter's notice is about the machine, not the
document; and fontTools' timestamps follow the build's date, so the bytes are reproducible.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

from exporter.errors import NOTICE, LimitError

log = logging.getLogger("exporter")


@contextlib.contextmanager
def font_timestamps(stamp: int) -> Iterator[None]:
    """Make fontTools stamp subset fonts with the build's time, not the clock's.

    Without HarfBuzz-Subset (Debian's libharfbuzz-subset0), WeasyPrint subsets fonts with
    fontTools, which writes the current time into each font's ``head`` table unless
    SOURCE_DATE_EPOCH is set: the PDF's bytes then changed on every run. A value the
    caller set is kept; HarfBuzz writes no time and ignores this.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(stamp)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


_FONTTOOLS = "Using fontTools instead of HarfBuzz-Subset"


class SubsetterNotice(logging.Filter):
    """Turn WeasyPrint's per-font fontTools warning into one note: it is about the machine,
    not the document, so --strict does not count it (the PDF is as good, and reproducible,
    with either subsetter)."""

    told = False  # once per process

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith(_FONTTOOLS):
            return True
        if not SubsetterNotice.told:
            SubsetterNotice.told = True
            log.log(
                NOTICE,
                "fonts are subset with fontTools, as HarfBuzz-Subset is not installed (on "
                "Debian: apt-get install libharfbuzz-subset0); the PDFs look the same and are "
                "reproducible, but take longer to make",
            )
        return False


class KnownAltFilter(logging.Filter):
    """Drop WeasyPrint's error for an image without alt text: reading reported it already.

    The reading stage warns about each such image naming its source file (and keeps quiet
    about images marked decorative); WeasyPrint's message names only the generated file.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "has no required alt description" not in record.getMessage()


@contextlib.contextmanager
def complexity_limit() -> Iterator[None]:
    """Turn what WeasyPrint raises on a document too deep or too big into a LimitError."""
    try:
        yield
    except (RecursionError, MemoryError, ZeroDivisionError, OverflowError) as exc:
        raise LimitError(
            f"the document is too complex to lay out ({type(exc).__name__}); "
            "simplify deeply nested markup or huge sizes"
        ) from None
