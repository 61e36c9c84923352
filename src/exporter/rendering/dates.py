"""The build's timestamp, the same for every output of one build and for rebuilds."""

from __future__ import annotations

import contextlib
import datetime as dt
import os

from exporter.errors import UsageError
from exporter.model import Document


def build_date(doc: Document) -> dt.datetime:
    """Return the build's timestamp: SOURCE_DATE_EPOCH, else the newest source's mtime.

    Both make a rebuild of unchanged sources give the same bytes. Without SOURCE_DATE_EPOCH,
    a full date in the metadata (YYYY-MM-DD) is used before the files' times, so a book with
    a date gives the same bytes wherever and whenever it is built.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH='{epoch}' is not a Unix time in seconds."
            ) from None
    with contextlib.suppress(ValueError):
        day = dt.date.fromisoformat(doc.metadata.date[:10])
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    mtimes = [p.stat().st_mtime for p in doc.sources if p.exists()]
    stamp = max(mtimes) if mtimes else dt.datetime.now(dt.timezone.utc).timestamp()
    return dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc)
