"""Chapter-level incremental and parallel PDF builds of a book.

A book's chapters open on a new page, so each can be laid out on its own: ``units`` splits
the PDF's HTML into layout units (the front matter, then each chapter with the part title
before it) and writes, for each, a small HTML document that hands in what the chapters
before it left behind (the page counter, the side of the last page, element counters,
named strings, the pages of anchors it links to); ``layout`` (in the PDF writer's
package) lays one out into a PDF piece; ``cache`` keeps pieces on disk keyed by all that
went into them; ``assemble`` joins pieces into one PDF with pikepdf; ``build`` orders the
work and ``parallel`` spreads it over processes.
"""
