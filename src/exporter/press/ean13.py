"""The EAN-13 barcode of a book's ISBN, drawn as SVG for the back cover.

EAN-13 (ISO/IEC 15420): a start guard (101), six digits in the L or G code as the first
digit chooses, a centre guard (01010), six digits in the R code and an end guard (101); 95
modules in all. The first digit is not drawn as bars but printed to the left. Sizes follow
the nominal symbol (a module 0.33 mm, bars 22.85 mm tall, guards 1.65 mm longer), scaled
to 85 % as book covers usually print it.
"""

from __future__ import annotations

import logging
import re
from html import escape

log = logging.getLogger("exporter")

L_CODES = ("0001101", "0011001", "0010011", "0111101", "0100011",
           "0110001", "0101111", "0111011", "0110111", "0001011")  # fmt: skip
G_CODES = tuple(code.translate(str.maketrans("01", "10"))[::-1] for code in L_CODES)
R_CODES = tuple(code.translate(str.maketrans("01", "10")) for code in L_CODES)
# Which of the left half's six digits use the G code, by the first digit.
PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
          "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")  # fmt: skip
MODULE_MM = 0.33 * 0.85
BAR_MM = 22.85 * 0.85
GUARD_MM = 1.65 * 0.85
QUIET = 11  # modules of white left of the symbol (7 on the right)


def check_digit(first12: str) -> str:
    """Return the EAN-13 check digit of 12 digits (weights 1, 3, 1, 3, ...)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def modules(digits: str) -> str:
    """Return the 95 modules of an EAN-13 (1: a dark bar module) for 13 valid digits."""
    if not re.fullmatch(r"\d{13}", digits) or check_digit(digits[:12]) != digits[12]:
        raise ValueError(f"not a valid EAN-13: {digits}")
    left = "".join(
        (L_CODES if parity == "L" else G_CODES)[int(d)]
        for parity, d in zip(PARITY[int(digits[0])], digits[1:7], strict=True)
    )
    right = "".join(R_CODES[int(d)] for d in digits[7:])
    return "101" + left + "01010" + right + "101"


def isbn13(identifier: str) -> str | None:
    """Return the 13 digits of an ISBN in a book's identifier (urn:isbn:, ISBN-10 or -13).

    None when the identifier is no ISBN; an ISBN with a wrong check digit is warned about
    (a barcode of it would scan as another book) and gives None too.
    """
    text = identifier.strip()
    lowered = text.lower()
    if not (lowered.startswith(("urn:isbn:", "isbn")) or re.fullmatch(r"[\d\s-]{10,17}X?", text)):
        return None
    digits = re.sub(r"[^\dX]", "", text.upper().removeprefix("URN:ISBN:").removeprefix("ISBN"))
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        if total % 11:
            log.warning("ISBN %s has a wrong check digit; the cover has no barcode", text)
            return None
        core = "978" + digits[:9]
        return core + check_digit(core)
    if re.fullmatch(r"97[89]\d{10}", digits):
        if check_digit(digits[:12]) != digits[12]:
            log.warning("ISBN %s has a wrong check digit; the cover has no barcode", text)
            return None
        return digits
    log.warning("identifier %s is not an ISBN-10 or ISBN-13; the cover has no barcode", text)
    return None


def hyphenless(digits: str) -> str:
    """Return the human-readable line above the bars: ISBN 978-0306406157 style."""
    return f"ISBN {digits[:3]}-{digits[3:]}"


def svg(digits: str, font: str = "monospace") -> str:
    """Return an SVG of the barcode of 13 digits, sized in millimetres, on white."""
    bars = modules(digits)
    m = MODULE_MM
    width = (QUIET + 95 + 7) * m
    top = 3.2  # room for the ISBN line above the bars
    size = 2.4  # the digits' font size, in millimetres
    base = top + BAR_MM + size * 0.85  # digits hang under the data bars, between the guards
    height = base + 0.6
    guards = {*range(0, 3), *range(45, 50), *range(92, 95)}
    rects = []
    run_start = None
    for i, bit in enumerate(bars + "0"):
        if bit == "1" and run_start is None:
            run_start = i
        elif bit != "1" and run_start is not None:
            tall = BAR_MM + (GUARD_MM if run_start in guards else 0)
            rects.append(
                f'<rect x="{(QUIET + run_start) * m:.3f}" y="{top}" '
                f'width="{(i - run_start) * m:.3f}" height="{tall:.3f}"/>'
            )
            run_start = None
    texts = [
        (QUIET * m - 1.2, digits[0], "end"),
        ((QUIET + 3 + 21) * m, digits[1:7], "middle"),
        ((QUIET + 50 + 21) * m, digits[7:], "middle"),
    ]
    labels = "".join(
        f'<text x="{x:.3f}" y="{base:.3f}" font-size="{size}" text-anchor="{anchor}">{text}</text>'
        for x, text, anchor in texts
    )
    caption = (
        f'<text x="{width / 2:.3f}" y="{top - 0.8:.3f}" font-size="{size}" '
        f'text-anchor="middle">{hyphenless(digits)}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.3f}mm" height="{height:.3f}mm" '
        f'viewBox="0 0 {width:.3f} {height:.3f}" font-family="{escape(font)}" role="img">'
        f"<title>{hyphenless(digits)}</title>"
        f'<rect width="{width:.3f}" height="{height:.3f}" fill="#fff"/>'
        f'<g fill="#000">{"".join(rects)}{labels}{caption}</g></svg>'
    )
