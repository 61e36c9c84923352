"""pandoc's ``nocite``: entries in the reference list that the text never cites.

Front matter (``nocite: "@key1, @key2"``, or ``nocite: "@*"`` for every entry of the
bibliography) or a book manifest (``nocite = ["@key1", "@key2"]``) lists them. They are
registered after every citation of the text, as pandoc reads them at the document's end,
so a numeric style numbers them after the cited works.
"""

from __future__ import annotations

import logging
import re

from exporter.citations.style import Cite, Formatter
from exporter.model import Document

log = logging.getLogger("exporter")

# A key as pandoc writes one (syntax.py's), @{braced}, or the * of "every entry".
_WRITTEN = re.compile(r"@(?:\{(?P<braced>[^{}\s]+)\}|(?P<key>\*|\w(?:[\w:.#$%&+?<>~/-]*\w)?))")


def register_uncited(doc: Document, formatter: Formatter, bib_name: str) -> None:
    """Register the ``nocite`` keys the text did not cite, warning about unknown ones."""
    written = " ".join(doc.metadata.nocite)
    keys = [m.group("braced") or m.group("key") for m in _WRITTEN.finditer(written)]
    if "*" in keys:  # every entry, in the bibliography's order (and keys it lacks, to warn)
        keys = list(formatter.keys.values()) + [k for k in keys if k != "*"]
    cited = set(formatter.bib.keys)  # citeproc's, in lower case
    where = str(doc.sources[0]) if doc.sources else "the front matter"
    for key in dict.fromkeys(keys):
        if key.lower() in cited:
            continue
        if key.lower() not in formatter.keys:
            log.warning(
                "%s: nocite key @%s is not in %s; add the entry or take the key off nocite",
                where, key, bib_name,
            )  # fmt: skip
            continue
        formatter.register(Cite(key))
        cited.add(key.lower())
