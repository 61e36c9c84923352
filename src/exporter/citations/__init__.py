"""Citations: pandoc's ``[@key]`` syntax, BibTeX and CSL-JSON bibliographies, CSL styles.

``bibtex`` reads .bib files into CSL-JSON (``latex`` and ``names`` do the field values),
``library`` loads and confines bibliography files, ``syntax`` finds citations in text,
``style`` formats them with citeproc-py, ``references`` places the reference list and
``transform`` ties them together as the ``citations`` transform.
"""
