"""Measure colour contrast as WCAG 2.2 does, and darken a colour until it is legible.

Pygments' styles were drawn for screens, not for WCAG: ``friendly`` comments are 2.93:1 on
white and ``tango`` strings 3.53:1, under the 4.5:1 that AA asks of text (Ace flags them).
Darkening each token colour along its own hue until it reaches the ratio keeps the style's
look and makes every token legible.
"""

from __future__ import annotations

import functools
import re

AA_TEXT = 4.5  # WCAG 2.2 SC 1.4.3, normal-size text
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def rgb(colour: str) -> tuple[int, int, int]:
    """Return the (r, g, b) of a ``#rgb`` or ``#rrggbb`` colour."""
    match = _HEX.match(colour.strip())
    if match is None:
        raise ValueError(f"not a hex colour: {colour!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


@functools.lru_cache(maxsize=1024)  # the background's, again for every colour and step
def luminance(colour: str) -> float:
    """Return the relative luminance of a colour (WCAG's definition, sRGB)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(foreground: str, background: str) -> float:
    """Return the contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@functools.lru_cache(maxsize=1024)  # a style gives most of its colours to several tokens
def legible(colour: str, background: str, minimum: float = AA_TEXT) -> str:
    """Return ``colour``, darkened along its hue until it reaches ``minimum`` on ``background``.

    Scaling the channels together keeps the hue; steps of 2% keep the change as small as
    the ratio allows. A colour that already passes comes back unchanged.
    """
    if ratio(colour, background) >= minimum:
        return colour
    r, g, b = rgb(colour)
    for step in range(1, 51):
        scale = 1 - step / 50
        darker = f"#{round(r * scale):02x}{round(g * scale):02x}{round(b * scale):02x}"
        if ratio(darker, background) >= minimum:
            return darker
    return "#000000"
