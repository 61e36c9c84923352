"""Where each chapter stands in a book, and the number it is given there.

Only the body's chapters are numbered ("Chapter 3"), appendices are lettered ("Appendix
A"); a dedication or a preface is neither, and sits in the front matter with the title
page, counted in roman folios. The dedication and epigraph come before the printed
contents, the other front matter (foreword, preface, ...) after it, as publishers set them.
"""

from __future__ import annotations

from exporter.model import Chapter, Document
from exporter.rendering.words import letter, numbered

# Front matter that comes before the printed contents; the rest of it follows the contents.
BEFORE_CONTENTS = ("halftitlepage", "copyright-page", "dedication", "epigraph")


def front_count(doc: Document) -> int:
    """Return how many chapters open the book as its front matter (0 for an article)."""
    if not doc.is_book:
        return 0
    count = 0
    for chapter in doc.chapters:
        if chapter.kind != "frontmatter":
            break
        count += 1
    return count


def before_contents(chapter: Chapter) -> bool:
    """Tell whether a front-matter chapter is set before the printed contents."""
    return chapter.type in BEFORE_CONTENTS


def is_numbered(chapter: Chapter) -> bool:
    """Tell whether a chapter gets a number: a body chapter, not a sub-chapter."""
    return chapter.kind == "bodymatter" and chapter.type == "chapter" and chapter.level == 1


def label(doc: Document, index: int, words: dict[str, str]) -> str:
    """Return chapter ``index``'s label ("Chapter 3", "Appendix A"), or '' when it has none."""
    chapter = doc.chapters[index - 1]
    if not doc.is_book or chapter.level > 1:
        return ""
    earlier = doc.chapters[:index]
    if is_numbered(chapter):
        return numbered(words["chapter"], sum(map(is_numbered, earlier)))
    if chapter.type == "appendix":
        count = sum(1 for c in earlier if c.type == "appendix" and c.level == 1)
        return numbered(words["appendix"], letter(count))
    return ""
