"""One warning per script whose characters no installed font covers, instead of one per glyph.

WeasyPrint logs each character it draws as an empty box (".notdef"), every time it draws
it: a Chinese book on a machine without a CJK font gave about 30,000 lines. This filter
takes those records off WeasyPrint's logger while a PDF is written, groups the characters
by script, and logs one warning per script naming the Debian package whose Noto fonts
cover it. ``--strict`` counts each as a warning, so the build fails (exit 5).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from exporter.scripts import FONT_PACKAGES, script_of

log = logging.getLogger("exporter")

# How a script is named in the warning: the languages a reader knows it by.
_NAMES = {
    "Han": "Chinese/Japanese (Han)",
    "Hiragana": "Japanese (kana)",
    "Katakana": "Japanese (kana)",
    "Hangul": "Korean (Hangul)",
}
# CJK punctuation and full-width forms travel with Han text and come from the same fonts.
_CJK_MARKS = ((0x3000, 0x303F), (0xFF00, 0xFFEF))
# Fonts for symbols no script claims (arrows, maths, emoji...).
_OTHER_PACKAGE = "fonts-noto-core"


def glyph_script(char: str) -> str:
    """Return the script a missing character is reported under ("" for symbols)."""
    code = ord(char)
    if any(first <= code <= last for first, last in _CJK_MARKS):
        return "Han"
    return script_of(char)


class _MissingGlyphs(logging.Filter):
    """Collect WeasyPrint's per-glyph ".notdef" warnings instead of letting them through."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[str]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith(".notdef glyph rendered"):
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        char = args[0] if args and isinstance(args[0], str) else "?"
        chars = self.found.setdefault(glyph_script(char), [])
        if char not in chars and len(chars) < 3:
            chars.append(char)
        return False


@contextlib.contextmanager
def missing_glyphs_by_script(source: str = "") -> Iterator[None]:
    """Within the block, turn WeasyPrint's per-glyph warnings into one per script."""
    collector = _MissingGlyphs()
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addFilter(collector)
    try:
        yield
    finally:
        weasy_log.removeFilter(collector)
    where = f"{source}: " if source else ""
    for script, chars in sorted(collector.found.items()):
        package = FONT_PACKAGES.get(script, (_OTHER_PACKAGE, ""))[0]
        name = _NAMES.get(script, script) or "some symbol"
        sample = ", ".join(f'"{c}" (U+{ord(c):04X})' for c in chars)
        log.warning(
            "%sthe text has %s characters (%s) that no installed font covers; they print as "
            "empty boxes: install Debian's %s (or a font for them) and build again",
            where,
            name,
            sample,
            package,
        )
