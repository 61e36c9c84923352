"""Long code lines in print: wrapped at token boundaries, each continuation marked."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from lxml import etree

import exporter
from exporter.rendering.codewrap import CONTINUATION, wrap_code

NAMES = [f"{word}_value" for word in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")]
LONG_CALL = f"    result = compute_the_totals({', '.join(NAMES * 2)})"
SOURCE = f"""# Code

A paragraph of prose before the code, long enough to fill the text block from one edge to
the other so that its edges tell where the text block is on the page.

```python
def main() -> None:
{LONG_CALL}
    return None
```
"""


def test_lines_are_cut_between_tokens_and_spans_reopened():
    html = '<pre><span class="n">first_name</span>(<span class="s">"a b c d e"</span>)</pre>'
    wrapped = wrap_code(html, 16)
    etree.fromstring(wrapped)  # still well-formed: spans closed and opened again
    lines = re.sub(r"<[^>]+>", "", wrapped).split("\n")
    assert lines[0] == 'first_name("a b '  # at a space, not inside the name
    assert all(line.startswith(f"{CONTINUATION} ") for line in lines[1:])
    assert all(len(line) <= 16 for line in lines)
    assert wrapped.count('<span class="s">') == len(lines)  # the string's colour goes on


def test_a_continued_line_keeps_its_indent_and_never_starts_with_a_closer():
    wrapped = wrap_code("<pre>    call(alpha, beta, gamma, delta)</pre>", 20)
    lines = wrapped.removeprefix("<pre>").removesuffix("</pre>").split("\n")
    text = [re.sub(r"<[^>]+>", "", line) for line in lines]
    assert text[0] == "    call(alpha, "
    assert all(len(t) <= 20 for t in text)
    assert all(t.startswith(f"    {CONTINUATION} ") for t in text[1:])
    assert not any(t.strip(f" {CONTINUATION}")[0] in ")]}," for t in text[1:])


def test_short_code_is_left_alone():
    html = "<pre>x = 1\ny = 2</pre>"
    assert wrap_code(html, 40) == html


@pytest.fixture(scope="module", params=[("classic", "A4"), ("technical", "A5")])
def pdf(request, tmp_path_factory):
    theme, size = request.param
    out = tmp_path_factory.mktemp(f"code-{theme}")
    source = out / "code.md"
    source.write_text(SOURCE)
    (made,) = exporter.convert([source], ["pdf"], out, theme=theme, page_size=size)
    return made


def test_wrapped_code_is_marked_kept_whole_and_inside_the_text_block(pdf):
    page = pdfium.PdfDocument(pdf)[0]
    text = page.get_textpage()
    all_text = text.get_text_range()
    assert CONTINUATION in all_text
    lines = all_text.replace("\r", "").split("\n")
    for name in NAMES:  # never split across lines: every name whole on some line
        assert any(name in line for line in lines), name
    code_lines = [line for line in lines if line.lstrip().startswith(CONTINUATION)]
    assert code_lines and all(re.match(rf"\s*{CONTINUATION} [\w(),]", c) for c in code_lines)
    start = all_text.find("result")
    code = range(start, all_text.find("return None"))
    boxes = [text.get_charbox(i) for i in code if not all_text[i].isspace()]
    # The code block's background (the smallest filled path holding its first character),
    # or for a theme without one (classic) the justified prose's edges.
    x, y = boxes[0][0] + 1, boxes[0][1] + 1
    paths = [
        pos
        for obj in page.get_objects()
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH
        and (pos := obj.get_bounds())[0] <= x <= pos[2]
        and pos[1] <= y <= pos[3]
    ]
    if paths:
        block = min(paths, key=lambda pos: (pos[2] - pos[0]) * (pos[3] - pos[1]))
    else:
        first, last = all_text.find("A paragraph"), all_text.find("edges tell")
        prose = [text.get_charbox(i) for i in range(first, last) if all_text[i].isalpha()]
        block = (min(b[0] for b in prose) - 1, 0, max(b[2] for b in prose) + 1, 0)
    assert block[2] < page.get_size()[0] * 0.92  # the block stays inside the page's margins
    assert min(b[0] for b in boxes) >= block[0]
    assert max(b[2] for b in boxes) <= block[2]  # no line of code runs out of it
