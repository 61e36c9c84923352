"""The styles numbered things and the index need in every theme; a theme's CSS may override.

``SCREEN`` goes into every output (after the theme's base.css, before its epub.css or
pdf.css): the index as plain indented lists, captions' labels in bold, an equation's number
at the right, the reference list's hanging indents (citations) and how formulas sit in the
text (math): the same in every theme. ``PRINT`` is the PDF's: a reference carries the page
of its target (", p. 41"; ``a.xref::after { content: none }`` in a theme's pdf.css turns it
off), and an index locator shows the page it points at instead of its chapter's name. The index
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

/* ---- Citations: the reference list, each entry with a hanging indent (CSL's
   hanging-indent), set ragged so that long titles and URLs do not stretch the spaces ---- */
div.csl-bib-body { margin: 0.5em 0 1em; }
div.csl-entry {
  margin: 0 0 0.35em;
  padding-left: 1.5em;
  text-indent: -1.5em;
  text-align: left;
  hyphens: manual;
  overflow-wrap: break-word;
}

/* ---- Math: a display formula centred, its number (span.eqno) at the right margin.
   In print each formula is a drawing sized in em (img.math-*); in EPUB and HTML, MathML. */
div.equation {
  position: relative;
  margin: 0.8em 0;
  padding: 0 3.5em;
  text-align: center;
  text-indent: 0;
  page-break-inside: avoid;
}
div.equation > span.eqno {
  position: absolute;
  right: 0;
  top: 50%;
  transform: translateY(-50%);
  text-indent: 0;
}
math.math-display { display: block; }
img.math-inline, img.math-display { max-width: none; margin: 0; }
div.equation > img.math-display { display: inline-block; max-width: 100%; }
code.math-error { white-space: pre-wrap; }
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
