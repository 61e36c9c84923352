"""The measure and the breaks, read back from real PDFs in every theme and page size.

A line of body text should hold 55-75 characters (issue 13): fewer and the eye jumps too
often, more and it loses the start of the next line. A "full line" is any line of a
paragraph but its last; pypdf's text of each page gives them back as set.
"""

from __future__ import annotations

import itertools
import re
import statistics
from pathlib import Path

import pytest
from pypdf import PdfReader

import exporter
from pdfutil import squash

THEMES = ("classic", "modern", "technical")
SIZES = ("A4", "Letter", "A5", "6x9")
SAMPLE = Path(__file__).parents[2] / "samples" / "mali-intervention.md"
PARAGRAPHS = 7  # enough for ~30 full lines, few enough for a two-page build


def _source(folder: Path) -> tuple[Path, list[str]]:
    """Write the sample's first paragraphs; return the file and each paragraph's text."""
    front, body = SAMPLE.read_text(encoding="utf-8").split("---\n", 2)[1:]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()][:PARAGRAPHS]
    path = folder / "measure.md"
    path.write_text(f"---\n{front}---\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    return path, [b for b in blocks if not b.startswith("#")]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return _source(tmp_path_factory.mktemp("measure-src"))


@pytest.fixture(scope="module", params=[(t, s) for t in THEMES for s in SIZES], ids=str)
def built(request, source, tmp_path_factory):
    """(theme, size, the PDF's lines, the paragraphs' texts) of the sample in one setting."""
    theme, size = request.param
    path, paragraphs = source
    out = tmp_path_factory.mktemp(f"measure-{theme}-{size}")
    (pdf,) = exporter.convert([path], ["pdf"], out, theme=theme, page_size=size)
    lines = [line for page in PdfReader(pdf).pages for line in page.extract_text().splitlines()]
    return theme, size, lines, paragraphs


def full_lines(lines: list[str], paragraphs: list[str]) -> list[str]:
    """Return the lines that are part of a paragraph and not its last line."""
    texts = [squash(p) for p in paragraphs]
    found = []
    for line in lines:
        key = squash(line)
        if len(key) < 10:  # folios, running heads' numbers
            continue
        for text in texts:
            at = text.find(key)
            if at >= 0 and at + len(key) < len(text):
                found.append(line.rstrip())
                break
    return found


def test_a_full_line_holds_55_to_75_characters(built):
    theme, size, lines, paragraphs = built
    found = full_lines(lines, paragraphs)
    assert len(found) >= 15, f"{theme} {size}: too few lines read back: {lines}"
    median = statistics.median(len(line) for line in found)
    assert 55 <= median <= 75, f"{theme} {size}: {median} characters per line"


def hyphenations(lines: list[str]) -> list[tuple[str, str]]:
    """Return (before, after) for each word split by a hyphen at a line's end."""
    found = []
    for line, following in itertools.pairwise(lines):
        end = re.search(r"(\w+)[\u2010-]$", line.rstrip())
        start = re.match(r"[^\W\d_]+", following.strip())  # a folio is no fragment
        if end and start:
            found.append((end.group(1), start.group(0)))
    return found


def test_names_and_acronyms_are_never_hyphenated(built):
    theme, size, lines, _ = built
    names = [f"{a}-{b}" for a, b in hyphenations(lines) if a[0].isupper()]
    assert not names, f"{theme} {size}: {names}"


def test_a_hyphen_leaves_three_letters_on_each_side(built):
    theme, size, lines, _ = built
    short = [f"{a}-{b}" for a, b in hyphenations(lines) if min(len(a), len(b)) < 3]
    assert not short, f"{theme} {size}: {short}"


def test_german_nouns_are_hyphenated_but_not_its_acronyms(tmp_path):
    # German capitalises every noun: a capital marks no name there, so only acronyms stay whole.
    words = (
        "Die Bundesregierung beschloss eine Verfassungsänderung, die Sicherheitsratsmitglieder "
        "und Friedensverhandlungen betraf, während die Nachrichtenagenturen über die "
        "ECOWASVERTRETUNG und die Entwicklungszusammenarbeit berichteten."
    )
    source = tmp_path / "de.md"
    source.write_text("---\nlang: de\n---\n\n" + (words + " ") * 12 + "\n", encoding="utf-8")
    (pdf,) = exporter.convert([source], ["pdf"], tmp_path, page_size="A5")
    lines = [line for page in PdfReader(pdf).pages for line in page.extract_text().splitlines()]
    split = hyphenations(lines)
    assert any(a[0].isupper() for a, _ in split), split  # nouns are hyphenated
    assert not [a for a, _ in split if sum(c.isupper() for c in a) > 1], split
