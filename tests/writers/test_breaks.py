"""Breaks read back from real PDFs in every theme, at A4 and 6x9 (issue 13's "Breaks").

One probe source holds what the issue found broken: a title that ended with one word on
its own line, a footnote whose source is wrapped, a URL in the prose, a table whose code
column was too narrow for its identifiers, and a scene break.
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

import exporter

THEMES = ("classic", "modern", "technical")
SIZES = ("A4", "6x9")
URL = "https://example.org/a/very/long/path/with/many/segments/and/parameters?query=string"
IDENTIFIERS = ("smartypants_enabled", "hyphenation_language_override")
ORNAMENTS = {"classic": "⁂", "modern": "•", "technical": "§"}
PROBE = f"""---
title: A Probe of Breaks for the Typography Second Pass Intervention
---

Some text with a footnote whose source is wrapped.[^1] A long address follows: {URL}
and the paragraph goes on after it for a while, so that the address falls across a line.

| Option | Meaning | Default |
|---|---|---|
| `{IDENTIFIERS[0]}` | Turns typographic quotes and dashes on or off for the whole document | `true` |
| `{IDENTIFIERS[1]}` | The language whose hyphenation patterns apply instead of the document's | `none` |

* * *

After the break, the text resumes.

[^1]: The note's source is
    wrapped over two lines
    and three.
"""


@pytest.fixture(scope="module", params=[(t, s) for t in THEMES for s in SIZES], ids=str)
def lines(request, tmp_path_factory):
    """(theme, the lines of the probe's PDF) in one theme and page size."""
    theme, size = request.param
    folder = tmp_path_factory.mktemp(f"breaks-{theme}-{size}")
    source = folder / "probe.md"
    source.write_text(PROBE, encoding="utf-8")
    (pdf,) = exporter.convert([source], ["pdf"], folder, theme=theme, page_size=size)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return theme, [" ".join(line.split()) for line in text.splitlines()]


def test_a_title_never_ends_with_one_word_alone(lines):
    _, found = lines
    title = found[: found.index(next(line for line in found if line.startswith("Some text")))]
    assert len(title) >= 2 and title[-1].endswith("Intervention")
    assert len(title[-1].split()) >= 2, title


def test_a_wrapped_footnote_source_is_set_as_running_text(lines):
    _, found = lines
    note = next(line for line in found if "The note’s source is" in line)
    # One line, or lines that fill the measure: never "is" / "lines" / "three." alone.
    assert note.endswith("source is wrapped over two lines and three.") or len(note) > 40


def test_a_url_breaks_without_a_hyphen_of_its_own(lines):
    theme, found = lines
    text = "\n".join(found)
    start = text.index("https://")
    piece = text[start : start + len(URL) + 2]
    assert piece.replace("\n", "").startswith(URL), (theme, piece)  # no hyphen inserted


def test_a_tables_identifiers_are_never_broken(lines):
    theme, found = lines
    text = " ".join(found)
    for name in IDENTIFIERS:
        assert name in text, (theme, [line for line in found if name[:10] in line])
    assert any(line.startswith("Option Meaning Default") for line in found)


def test_the_scene_break_is_an_ornament(lines):
    theme, found = lines
    rest = found.index("After the break, the text resumes.")
    assert ORNAMENTS[theme] in found[rest - 1]
    assert re.fullmatch(r"[\W\s]+", found[rest - 1])  # the mark alone on its line


SENTENCE = "A sentence of filler moves the next table down the page by a little. "


def tables_source() -> str:
    """Short tables (4 rows) and long ones (30 rows) after paragraphs of growing length, so
    that some fall at a page's foot."""
    parts = ["# Tables at the foot of a page\n"]
    for i in range(14):
        parts.append(SENTENCE * (3 + 5 * i) + "\n")
        rows = 30 if i % 3 == 2 else 4
        # One part: a blank line between the head and the rows would end the table there.
        head = f"| Head{i}a | Head{i}b |\n|---|---|\n"
        parts.append(head + "".join(f"| T{i}R{j} | cell |\n" for j in range(rows)))
    return "\n".join(parts)


@pytest.mark.parametrize("theme", ["classic", "modern", "technical"])
def test_a_short_table_is_never_split_and_a_head_never_left_alone(theme, tmp_path):
    source = tmp_path / "tables.md"
    source.write_text(tables_source(), encoding="utf-8")
    (pdf,) = exporter.convert([source], ["pdf"], tmp_path, theme=theme)
    pages = [set(re.findall(r"Head\d+a|T\d+R\d+", p.extract_text())) for p in PdfReader(pdf).pages]
    spans = []
    for i in range(14):
        where = [n for n, found in enumerate(pages) for cell in found if cell.startswith(f"T{i}R")]
        head = next(n for n, found in enumerate(pages) if f"Head{i}a" in found)
        assert head == min(where), (theme, i)  # the head with the first row
        if i % 3 != 2:
            assert len(set(where)) == 1, (theme, i, sorted(set(where)))  # a short table whole
        spans.append(len(set(where)))
    # The test means something: the long tables run over a page break, the head repeated.
    assert max(spans) > 1 and len(pages) > 10, (theme, spans)
    assert any(
        f"Head{i}a" in found and f"T{i}R29" in found for i in (2, 5, 8, 11) for found in pages
    )
