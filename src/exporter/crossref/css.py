"""The styles numbered things and the index need in every theme; a theme's CSS may override.

``SCREEN`` goes into every output (after the theme's base.css, before its epub.css or
pdf.css): the index as plain indented lists, captions' labels in bold, an equation's number
at the right. ``PRINT`` is the PDF's: a reference carries the page of its target
(", p. 41"; ``a.xref::after { content: none }`` in a theme's pdf.css turns it off), and
an index locator shows the page it points at instead of its chapter's name. The index
is set in one column: ``columns: 2`` on ``div.index-body`` made WeasyPrint 70 lay a
15-page book out in 9.6-16 s instead of 4.4 s (it lays out again for pending
``target-counter`` values, and columns are costly each time).
"""

from __future__ import annotations

SCREEN = """
.caption-label { font-weight: bold; }
figure.listing { margin-left: 0; margin-right: 0; }
figure.listing > figcaption { margin-bottom: 0.3em; }
.equation > .eqno { float: right; }
.xref-missing { font-weight: bold; }
section.index ul.index-entries { list-style: none; margin: 0; padding: 0; }
section.index ul.index-entries ul.index-entries { padding-left: 1em; }
section.index li.index-entry { margin: 0.1em 0; padding-left: 1em; text-indent: -1em; }
section.index h2.index-letter { margin: 1em 0 0.3em; text-align: left; }
ol.caption-list { list-style: none; padding: 0; }
ol.caption-list > li { margin: 0.2em 0; }
"""

PRINT = """
a.xref[data-page]::after {
  content: ",\\a0" attr(data-page) "\\a0" target-counter(attr(href url), page);
}
ol.caption-list a::after { content: leader(". ") target-counter(attr(href url), page); }
a.index-locator > span.locator-text { display: none; }
a.index-locator::after { content: target-counter(attr(href url), page); }
a.index-locator.index-pages::after { content: none; }
section.index h2.index-letter { bookmark-level: none; break-after: avoid; }
"""
