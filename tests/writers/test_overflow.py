"""Nothing leaves the page: glyph boxes (PDFium's, via pypdfium2) stay inside the text width.

The hard cases: a 300-character URL, a table too wide for the page and a code line of
300 characters with no space to break at, in every theme.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

import exporter
from exporter import render

URL = "https://example.org/" + "very-long-path-segment/" * 12 + "x" * 4
assert len(URL) >= 300
CODE = "result = compute(" + ", ".join(f"argument_number_{i}" for i in range(16)) + ")"
assert len(CODE) >= 300
WIDE_TABLE = "\n".join(
    [
        "| " + " | ".join(f"Heading{i}WithoutSpaces" for i in range(12)) + " |",
        "|" + "---|" * 12,
        *("| " + " | ".join(f"cell{r}{c}-unbreakablecontents" for c in range(12)) + " |"
          for r in range(4)),
    ]
)  # fmt: skip
SOURCE = f"""# Overflow

A bare URL in running text: {URL} and then more words after it.

An autolink: <{URL}>.

{WIDE_TABLE}

```python
{CODE}
```

```
{CODE}
```
"""
# Left and right page margins of each theme's article pages on A4 (pdf.css), as page-width
# fractions: the text block is at most 115, 128 and 118 mm wide (issue 13, the measure).
MARGINS = {
    "classic": (47.5 / 210, 47.5 / 210),
    "modern": (41 / 210, 41 / 210),
    "technical": (0.12, 1 - 0.12 - 118 / 210),
}


def glyph_boxes(pdf_bytes: bytes):
    """Yield (page number, character, (left, bottom, right, top), page width, height)."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        for number, page in enumerate(pdf, start=1):
            text = page.get_textpage()
            width, height = page.get_size()
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if char.strip():
                    yield number, char, text.get_charbox(i), width, height
    finally:
        pdf.close()


@pytest.mark.parametrize("theme", sorted(MARGINS))
def test_no_glyph_outside_the_content_box(theme, tmp_path):
    source = tmp_path / "overflow.md"
    source.write_text(SOURCE, encoding="utf-8")
    doc = exporter.read([source])
    data = render(doc, "pdf", exporter.load_theme(theme))
    boxes = list(glyph_boxes(data))
    # All of it is there: the URL's and the code line's last characters were set.
    text = "".join(char for _, char, *_ in boxes)

    # PDFium reports a hyphen that ends a line as U+FFFE; where the URL breaks depends on
    # the line, so compare without hyphens of either kind.
    def bare(value: str) -> str:
        return value.replace("-", "").replace("\ufffe", "")

    assert bare(URL.replace("https://", ""))[-40:] in bare(text)
    assert "argument_number_15)" in text
    tolerance = 1.0  # points: glyph side bearings
    outside = []
    for number, char, (left, bottom, right, top), width, height in boxes:
        left_margin, right_margin = MARGINS[theme]
        low, high = width * left_margin - tolerance, width * (1 - right_margin) + tolerance
        if left < low or right > high or bottom < 0 or top > height:
            outside.append(
                (number, char, round(left, 1), round(right, 1), round(low, 1), round(high, 1))
            )
    assert not outside, outside[:10]
