"""A manifest that names its own index chapter gets the index there, not a second one."""

from __future__ import annotations

import zipfile

from lxml import etree
from pypdf import PdfReader

import exporter

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
MANIFEST = """\
title = "Indexed"
language = "en"
chapters = ["chapters/*.md"]

[back]
index = "back/index.md"
"""


def test_the_declared_index_chapter_receives_the_entries_once(tmp_path, epubcheck):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "back").mkdir()
    (tmp_path / "book.toml").write_text(MANIFEST)
    (tmp_path / "chapters" / "01.md").write_text(
        "# One\n\nOn [kerning]{.index} and [leading]{.index}.\n"
    )
    (tmp_path / "chapters" / "02.md").write_text("# Two\n\nMore [kerning]{.index}.\n")
    (tmp_path / "back" / "index.md").write_text("# Index of Terms\n\nWhere to look.\n")
    made = {p.suffix: p for p in exporter.convert([tmp_path], ["epub", "pdf"], tmp_path / "out")}

    with zipfile.ZipFile(made[".epub"]) as z:
        docs = {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
    indexes = [
        s for d in docs.values() for s in d.iter("{*}section") if s.get(EPUB_TYPE) == "index"
    ]
    assert len(indexes) == 1
    (index,) = indexes
    text = " ".join("".join(index.itertext()).split())
    assert text.startswith("Index of Terms Where to look.")  # the manifest's chapter, first
    terms = ["".join(t.itertext()) for t in index.iter("{*}span") if t.get("class") == "index-term"]
    assert terms == ["kerning", "leading"]
    nav = next(d for n, d in docs.items() if n.endswith("nav.xhtml"))
    entries = ["".join(a.itertext()) for a in nav.iter("{*}a")]
    assert entries.count("Index of Terms") == 1 and "Index" not in entries

    outline = [o.title for o in PdfReader(made[".pdf"]).outline if not isinstance(o, list)]
    assert outline.count("Index of Terms") == 1 and "Index" not in outline
    epubcheck.queue(made[".epub"])
