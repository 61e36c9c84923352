"""A chapter's first line keeps its words, in every theme: read back from PDFium's glyph boxes.

A book chapter that opens with a paragraph has its first letter in ``span.initial``, so
"Text must ..." is set as ``<span class="initial">T</span>ext must ...``. WeasyPrint 70 cut
such a line after its first word when the text box after the initial fitted the line only
without its trailing space (the space before the emphasis ``*Content*``): "Text" alone on the
first line, the rest loosely justified below (mended in exporter.writers.linebreak).
Where that happens depends on the widths of the theme's fonts and measure, so each chapter
is the same sentence with a different word before "reader": with the bug, at least one of
them hit it in every theme (classic: the sentence as it is; modern: busy, older;
technical: careful, patient, distant, elderly).
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

import exporter

THEMES = ("classic", "modern", "technical")
WORDS = ("", "busy ", "older ", "careful ", "patient ", "distant ", "elderly ")
SENTENCE = (
    "Text must stand out from its background for every {word}reader. The Web *Content* "
    "Accessibility Guidelines measure this by a contrast ratio computed from the relative "
    "luminance of the two colours (World Wide Web Consortium 2023)."
)
OPENING = re.compile(r"Text\s+must")


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("initial-src")
    paths = []
    for number, word in enumerate(WORDS, start=1):
        path = folder / f"chapter-{number}.md"
        path.write_text(
            f"# Colour and Contrast {number}\n\n{SENTENCE.format(word=word)}\n", encoding="utf-8"
        )
        paths.append(path)
    return paths


def openings(pdf_path) -> list[tuple[str, float, float]]:
    """(text, bottom of "T", bottom of "m") of each "Text must" in the PDF, in page order."""
    found = []
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        for page in pdf:
            text = page.get_textpage()
            content = text.get_text_range()
            for match in OPENING.finditer(content):
                # PDFium counts the line breaks it generates as characters, so the indices
                # of get_text_range's string are those of the glyph boxes.
                first, must = match.start(), match.end() - len("must")
                found.append(
                    (match.group(0), text.get_charbox(first)[1], text.get_charbox(must)[1])
                )
    finally:
        pdf.close()
    return found


@pytest.mark.parametrize("theme", THEMES)
def test_a_chapter_first_line_holds_more_than_its_first_word(theme, sources, tmp_path):
    (pdf,) = exporter.convert(
        sources, ["pdf"], tmp_path, theme=theme, metadata=exporter.Metadata(title="Initials")
    )
    found = openings(pdf)
    assert len(found) == len(WORDS), found
    # "T" (the initial, raised on the line's baseline) and "must" share the first line:
    # both sit on its baseline, where a broken line puts "must" a line lower.
    broken = [
        (number, text, round(t_bottom, 1), round(m_bottom, 1))
        for number, (text, t_bottom, m_bottom) in enumerate(found, start=1)
        if abs(t_bottom - m_bottom) > 1.5 or "\n" in text
    ]
    assert not broken, broken
