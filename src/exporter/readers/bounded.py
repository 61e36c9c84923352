"""Python-Markdown's link parsers with a bounded look-ahead, against quadratic inputs.

For every ``[`` and ``](`` Python-Markdown scans ahead for the closing bracket or
parenthesis, to the end of the paragraph when there is none: ``[a](b`` repeated 20,000 times
(100 KB) took 285 s, bounded 17 s; the rest of that cost is the inline loop rebuilding the
paragraph per match, which the time limit (``--timeout``) covers. Link text and destinations
longer than ``LOOKAHEAD`` characters do not occur in real articles, so the scan stops there
and such a construct stays text.
"""

from __future__ import annotations

from markdown import inlinepatterns as ip
from markdown.extensions import Extension

LOOKAHEAD = 4096


class _Bounded:
    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        return super().getText(data[: index + LOOKAHEAD], index)  # type: ignore[misc]

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        return super().getLink(data[: index + LOOKAHEAD], index)  # type: ignore[misc]


class _Reference(_Bounded, ip.ReferenceInlineProcessor):
    pass


class _Link(_Bounded, ip.LinkInlineProcessor):
    pass


class _Image(_Bounded, ip.ImageInlineProcessor):
    pass


class _ImageReference(_Bounded, ip.ImageReferenceInlineProcessor):
    pass


class _ShortReference(_Bounded, ip.ShortReferenceInlineProcessor):
    pass


class _ShortImageReference(_Bounded, ip.ShortImageReferenceInlineProcessor):
    pass


class BoundedLinksExtension(Extension):
    """Replace the six link and image processors with bounded ones, same names and order."""

    def extendMarkdown(self, md):  # type: ignore[no-untyped-def]
        md.inlinePatterns.register(_Reference(ip.REFERENCE_RE, md), "reference", 170)
        md.inlinePatterns.register(_Link(ip.LINK_RE, md), "link", 160)
        md.inlinePatterns.register(_Image(ip.IMAGE_LINK_RE, md), "image_link", 150)
        md.inlinePatterns.register(
            _ImageReference(ip.IMAGE_REFERENCE_RE, md), "image_reference", 140
        )
        md.inlinePatterns.register(_ShortReference(ip.REFERENCE_RE, md), "short_reference", 130)
        md.inlinePatterns.register(
            _ShortImageReference(ip.IMAGE_REFERENCE_RE, md), "short_image_ref", 125
        )
