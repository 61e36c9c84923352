"""Math: TeX between ``$``/``$$``/``\\(``/``\\[`` (or in a ```` ```math ```` fence) and raw MathML.

The stages, each in its own module:

- ``syntax``: where a formula starts and ends in Markdown text, by pandoc's ``$`` rules, and
  the reader's markup for it (``span.math-tex``, ``div.math-tex.display``), shared by the
  Python-Markdown extension (``mdext``) and the markdown-it plug-in (``mdit``);
- ``transform``: the built-in transform (priority 10) that turns that markup into MathML
  with ``alttext`` (the TeX), display formulas in ``div.equation``; a formula that does not
  parse is a warning naming its file and line, and stays visible as ``code.math-error``;
- ``allow``: the presentation MathML that raw HTML may keep through the sanitizer;
- ``draw``: the PDF's pictures, one SVG per distinct formula (ziamath, STIX Two Math),
  since WeasyPrint cannot lay out MathML. EPUB and HTML keep the MathML.
"""
