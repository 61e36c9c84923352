"""Accessibility metadata that is true for this book, read from its content files.

Stores show schema.org accessibility metadata to readers who depend on it, so a fixed claim
is worse than none: an image without alternative text makes "textual" alone insufficient,
and "alternativeText" is only claimed when every content image has some. Decorative images
(``role="presentation"``, ``alt=""``) carry nothing to describe and count for neither. The
summary says in words what was found.

The publication claims EPUB Accessibility 1.1 at WCAG 2.2 AA (``dcterms:conformsTo``) only
when that holds: every meaningful image described, every table with header cells, nothing
that may flash, and a built-in theme, whose colours the test suite checks with Ace in every
theme (a theme folder of one's own is not checked, so nothing is claimed for it).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from exporter.model import Asset
from exporter.rendering import EPUB_NS, XHTML_NS

X = f"{{{XHTML_NS}}}"


@dataclass(frozen=True)
class Findings:
    """What the content files hold that accessibility metadata speaks about."""

    images: int  # meaningful images (decorative ones are not counted)
    described: int  # meaningful images with non-empty alt text
    tables: int
    headed_tables: int  # tables with header cells
    notes: int
    headings: int
    animated: bool  # a GIF that may flash
    decorative: int = 0  # images marked role="presentation" (alt="")

    @property
    def complete(self) -> bool:
        """Tell whether the content meets what WCAG AA asks that exporter can see."""
        return (
            self.images == self.described
            and self.tables == self.headed_tables
            and not self.animated
        )


def survey(bodies: list[etree._Element], assets: tuple[Asset, ...]) -> Findings:
    """Count images (with and without alt text), tables, notes and headings."""
    every = [img for body in bodies for img in body.iter(f"{X}img")]
    images = [img for img in every if img.get("role") != "presentation"]
    tables = [t for body in bodies for t in body.iter(f"{X}table")]
    notes = [
        a for body in bodies for a in body.iter(f"{X}aside")
        if a.get(f"{{{EPUB_NS}}}type") == "footnote"
    ]  # fmt: skip
    headings = [h for body in bodies for h in body.iter(*(f"{X}h{n}" for n in range(1, 7)))]
    return Findings(
        images=len(images),
        described=sum(1 for img in images if (img.get("alt") or "").strip()),
        tables=len(tables),
        headed_tables=sum(1 for t in tables if t.find(f".//{X}th") is not None),
        notes=len(notes),
        headings=len(headings),
        animated=any(a.media_type == "image/gif" and b"NETSCAPE2.0" in a.data for a in assets),
        decorative=len(every) - len(images),
    )


CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def metadata(
    found: Findings, checked_theme: bool = False, paged: bool = False
) -> list[tuple[str, str]]:
    """Return (property, value) pairs for schema.org accessibility metadata.

    ``checked_theme``: the theme's colours are known to pass WCAG AA (a built-in theme);
    with a complete content survey, the publication then claims conformance. ``paged``:
    the print edition's page breaks are marked and listed (a page-list).
    """
    pairs = [("schema:accessMode", "textual")]
    if found.images:
        pairs.append(("schema:accessMode", "visual"))
    if found.images == found.described:
        pairs.append(("schema:accessModeSufficient", "textual"))
    if found.images:
        pairs.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["tableOfContents", "readingOrder", "ARIA", "displayTransformability"]
    if found.headings:
        features.append("structuralNavigation")
    if found.images and found.images == found.described:
        features.append("alternativeText")
    if paged:
        features += ["pageBreakMarkers", "pageNavigation"]
    pairs += [("schema:accessibilityFeature", f) for f in features]
    hazards = ["noMotionSimulationHazard", "noSoundHazard"]
    hazards.append("unknownFlashingHazard" if found.animated else "noFlashingHazard")
    pairs += [("schema:accessibilityHazard", h) for h in sorted(hazards)]
    pairs.append(("schema:accessibilitySummary", summary(found)))
    if checked_theme and found.complete:
        pairs.append(("dcterms:conformsTo", CONFORMANCE))
    return pairs


def summary(found: Findings) -> str:
    """Say in a few sentences what a reader relying on assistive technology will find."""
    head = "This publication has a navigable table of contents"
    if found.headings:
        head += f" and {_n(found.headings, 'structured heading')}"
    sentences = [head + "."]
    if found.images:
        sentences.append(f"Images with a text alternative: {found.described} of {found.images}.")
    if found.decorative:
        sentences.append(f"{_n(found.decorative, 'decorative image')}, hidden from screen readers.")
    if found.tables:
        sentences.append(f"Tables: {found.tables}, {found.headed_tables} with header cells.")
    if found.notes:
        sentences.append(
            f"{_n(found.notes, 'footnote')}, each linked from its call and back to it."
        )
    return " ".join(sentences)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
