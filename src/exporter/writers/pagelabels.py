"""PDF page labels equal to the printed folios: a viewer's "page vii" is the page marked vii.

WeasyPrint numbers pages in CSS (counters in the theme's ``@page`` rules) but writes no
``/PageLabels``, so a viewer shows 1..n and "go to page 3" lands in the front matter. The
PDF writer reads each page's folio from its laid-out margin boxes; this module turns those
folios into the label ranges of the PDF's number tree (ISO 32000-1, 12.4.2). A page that
prints no folio (a title page, a blank verso, a part title) takes the number its place in
the sequence gives it, from the next folio or else the previous one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A folio: arabic, "N / total" (the first is the page), or lower-case roman.
_FOLIO = re.compile(r"^(?:(\d+)(?:\s*/\s*\d+)?|([ivxlcdm]+))$")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}

Label = tuple[str, int]  # (PDF numbering style: "D" decimal or "r" lower roman, number)


def folio(texts: Sequence[str]) -> Label | None:
    """Return the folio among a page's margin-box texts, or None when it prints none."""
    for text in texts:
        match = _FOLIO.match(text.strip())
        if match and match.group(1):
            return ("D", int(match.group(1)))
        if match and match.group(2):
            return ("r", _roman(match.group(2)))
    return None


def _roman(text: str) -> int:
    values = [_ROMAN[c] for c in text]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def labels(folios: Sequence[Label | None]) -> list[Label]:
    """Return every page's label: its folio, or the one its neighbours imply."""
    found = [(i, f) for i, f in enumerate(folios) if f is not None]
    result = []
    for index, own in enumerate(folios):
        if own is not None:
            result.append(own)
            continue
        after = next(((i, f) for i, f in found if i > index), None)
        before = next(((i, f) for i, f in reversed(found) if i < index), None)
        if after and after[1][1] - (after[0] - index) >= 1:
            result.append((after[1][0], after[1][1] - (after[0] - index)))
        elif before:
            result.append((before[1][0], before[1][1] + index - before[0]))
        else:
            result.append(("D", index + 1))
    return result


def ranges(pages: Sequence[Label]) -> list[tuple[int, str, int]]:
    """Return (first page index, style, first number) for each run of consecutive labels.

    Empty when the labels are the viewer's own (1, 2, 3, ...): nothing to write.
    """
    if all(label == ("D", i + 1) for i, label in enumerate(pages)):
        return []
    runs: list[tuple[int, str, int]] = []
    for index, (style, number) in enumerate(pages):
        if index and pages[index - 1] == (style, number - 1):
            continue
        runs.append((index, style, number))
    return runs
