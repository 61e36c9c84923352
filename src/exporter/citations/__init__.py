"""Citations: pandoc's ``[@key]`` syntax, BibTeX and CSL-JSON bibliographies, CSL styles.

``bibtex`` reads .bib files into CSL-JSON (``latex`` and ``names`` do the field values),
``library`` loads and confines bibliography files, ``syntax`` finds citations in text,
``style`` formats them with citeproc-py, ``references`` places the reference list and
``transform`` ties them together as the ``citations`` transform.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exporter.model import Document
    from exporter.settings import Settings


def cite(doc: Document, settings: Settings) -> Document:
    """The ``citations`` transform: ``transform.cite``, imported only for a bibliography.

    Without one (``--bibliography``, or the sources' ``bibliography:``) there is nothing to
    cite, and every build runs this transform: importing the formatter, the BibTeX reader
    and citeproc's companions for nothing cost about 20 ms of CPU a build.
    """
    if not settings.bibliography and not doc.metadata.bibliography:
        return doc
    from exporter.citations.transform import cite as formatted

    return formatted(doc, settings)
