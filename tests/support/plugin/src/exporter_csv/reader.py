"""Read a CSV file into a table: the first row is the header, the file name the title."""

from __future__ import annotations

import csv
import io
from html import escape

from exporter.formats import RawChapter, SourceText
from exporter.model import Metadata


def read(src: SourceText) -> RawChapter:
    rows = list(csv.reader(io.StringIO(src.text)))
    head, body = rows[0], rows[1:]
    cells = "".join(f"<th>{escape(c)}</th>" for c in head)
    lines = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in body
    )
    title = src.path.stem.replace("-", " ").capitalize() if src.path else "Table"
    html = f"<table><thead><tr>{cells}</tr></thead><tbody>{lines}</tbody></table>"
    return RawChapter(html, Metadata(title=title))
