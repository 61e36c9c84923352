"""The drawn formulas handed to WeasyPrint as ready images: their PDF operators copied, not
their SVG read and drawn again at every place they appear.

WeasyPrint's ``render(cache=...)`` takes a dictionary of the images it has loaded, by URL;
``FormulaImages`` answers for the formulas' data: URLs with a ``FormulaImage`` made from
the operators exporter.math.pdfops wrote (exporter.math.draw keeps them by URL), and is
an ordinary dictionary for every other image. A formula without operators (a colour, a
shape pdfops does not write) is loaded and drawn by WeasyPrint as before, and so is the
same HTML given to WeasyPrint by hand (``--keep-html``): the data: URL holds the SVG.
"""

from __future__ import annotations

from typing import Any

from exporter.math.draw import VECTORS
from exporter.math.pdfops import UNIT, Vector
from exporter.versions import installed

# FormulaImage answers to WeasyPrint's image interface (get_intrinsic_size, draw(stream,
# ...), the stream's list of operators): WeasyPrint's own, not a documented API. It is used
# with the WeasyPrint versions it was checked against (tests/unit/test_math_pdfops.py draws
# each formula both ways and compares the pixels); any other loads and draws the SVG itself.
CHECKED = ("70.",)


def image_cache() -> dict[str, Any]:
    """Return the image cache to give WeasyPrint's ``render``: one that knows the drawn
    formulas, with a WeasyPrint it was checked against; else an ordinary one."""
    return FormulaImages() if weasyprint_version().startswith(CHECKED) else {}


def weasyprint_version() -> str:
    """Return the installed WeasyPrint's version (read, not imported: writers.pdf does)."""
    return installed("weasyprint")


class FormulaImage:
    """A formula's drawing as WeasyPrint's image interface: intrinsic size and ``draw``."""

    def __init__(self, vector: Vector) -> None:
        self.vector = vector

    def get_intrinsic_size(self, image_resolution: float, font_size: float) -> tuple:
        """Return the SVG's width and height (px) and their ratio, as WeasyPrint's would."""
        width, height = self.vector.width, self.vector.height
        return width, height, (width / height if height else None)

    def draw(self, stream: Any, concrete_width: float, concrete_height: float, _style: Any) -> None:
        """Put the operators on ``stream`` under the viewBox's transform (xMidYMid meet)."""
        x, y, width, height = self.vector.viewbox
        scale = min(concrete_width / width, concrete_height / height)
        dx = (concrete_width - width * scale) / 2 - x * scale
        dy = (concrete_height - height * scale) / 2 - y * scale
        # In its own graphics state, in black, as WeasyPrint draws ziamath's fill="black".
        unit = scale * UNIT
        head = f"q\n{unit:f} 0 0 {unit:f} {dx:f} {dy:f} cm\n0 0 0 rg\n".encode()
        stream.stream.append(head + self.vector.operators + b"\nQ")


class FormulaImages(dict[str, Any]):
    """WeasyPrint's image cache for one document, which knows the drawn formulas."""

    def __contains__(self, url: object) -> bool:
        return super().__contains__(url) or (isinstance(url, str) and url in VECTORS)

    def __missing__(self, url: str) -> FormulaImage:
        image = self[url] = FormulaImage(VECTORS[url])
        return image
