"""The built-in readers: each turns one source into a raw HTML fragment and its metadata.

A reader is a function ``read(SourceText) -> RawChapter`` registered in ``exporter.formats``
(its name, suffixes and aliases); decoding the bytes (``reading.decode``) and cleaning the
HTML (``reading.clean``) are shared steps around it.
"""
