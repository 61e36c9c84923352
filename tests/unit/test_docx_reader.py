"""The .docx reader on documents made with python-docx: HTML, notes, images, properties, limits."""

from __future__ import annotations

import io
import logging
import random
import re
import zipfile
from pathlib import Path

import pytest
from docx.enum.style import WD_STYLE_TYPE

import docxutil as du
from exporter.errors import LimitError, SourceError
from exporter.formats import RawChapter, SourceText
from exporter.guard.policy import Policy, using
from exporter.guard.resources import AssetStore
from exporter.model import Metadata
from exporter.readers import docx as docx_reader
from exporter.reading.clean import IdRegistry, build_chapter
from exporter.reading.links import LinkTable

NAME = "book.docx"


def read(data: bytes) -> RawChapter:
    return docx_reader.read(SourceText(NAME, Path(NAME), data))


def simple(text: str = "Hello.") -> bytes:
    document = du.new_document()
    document.add_paragraph(text)
    return du.saved(document)


class TestStyles:
    def test_headings_inline_formatting_quotes_and_code(self):
        document = du.new_document()
        document.add_heading("Chapter One", level=1)
        p = document.add_paragraph("plain ")
        p.add_run("bold").bold = True
        p.add_run(" ")
        p.add_run("italic").italic = True
        p.add_run(" ")
        p.add_run("Small Caps").font.small_caps = True
        p.add_run(" ")
        p.add_run("struck").font.strike = True
        document.add_heading("Section", level=2)
        document.add_heading("Deep", level=6)
        document.add_paragraph("Said once.", style="Quote")
        code = document.styles.add_style("Code", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("x = 1", style=code)
        document.add_paragraph("y = 2", style=code)
        html = read(du.saved(document)).html
        assert html == (
            "<h2>Chapter One</h2>"
            "<p>plain <strong>bold</strong> <em>italic</em> "
            '<span class="smallcaps">Small Caps</span> <s>struck</s></p>'
            "<h3>Section</h3><h6>Deep</h6>"
            "<blockquote><p>Said once.</p></blockquote>"
            "<pre>x = 1\ny = 2</pre>"
        )

    def test_lists_and_a_table(self):
        document = du.new_document()
        document.add_paragraph("apples", style="List Bullet")
        document.add_paragraph("pears", style="List Bullet")
        document.add_paragraph("first", style="List Number")
        document.add_paragraph("second", style="List Number")
        table = document.add_table(rows=2, cols=2)
        for (row, col), text in {(0, 0): "a", (0, 1): "b", (1, 0): "c", (1, 1): "d"}.items():
            table.cell(row, col).text = text
        html = read(du.saved(document)).html
        assert html == (
            "<ul><li>apples</li><li>pears</li></ul>"
            "<ol><li>first</li><li>second</li></ol>"
            "<table><tr><td><p>a</p></td><td><p>b</p></td></tr>"
            "<tr><td><p>c</p></td><td><p>d</p></td></tr></table>"
        )

    def test_an_unmapped_style_is_one_warning_naming_it(self, caplog):
        document = du.new_document()
        fancy = document.styles.add_style("Fancy Block", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("one", style=fancy)
        document.add_paragraph("two", style=fancy)
        with caplog.at_level(logging.WARNING, "exporter"):
            html = read(du.saved(document)).html
        assert html == "<p>one</p><p>two</p>"
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert warnings == [
            "book.docx: the Word paragraph style 'Fancy Block' has no HTML equivalent, so its "
            "text is kept without it; give that text a Heading, Quote or Normal style to "
            "change that, or ignore this warning."
        ]

    def test_words_own_table_of_contents_is_left_out(self):
        document = du.new_document()
        toc = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("Opening\t3", style=toc)
        document.add_heading("Opening", level=1)
        assert read(du.saved(document)).html == "<h2>Opening</h2>"


class TestTitleAndProperties:
    def test_core_properties_become_metadata(self):
        document = du.new_document()
        props = document.core_properties
        props.title, props.author, props.language = "Stored Title", "Doe, Jane; Ann Roe", "fr"
        props.comments, props.keywords = "What it is about.", "rivers; maps"
        document.add_paragraph("Body.")
        meta = read(du.saved(document)).metadata
        assert meta.title == "Stored Title"
        assert meta.authors == ("Doe, Jane", "Ann Roe")
        assert (meta.lang, meta.date) == ("fr", "2024-05-06")
        assert meta.description == "What it is about."
        assert meta.keywords == ("rivers", "maps")

    def test_the_title_paragraph_wins_and_takes_its_subtitle(self):
        document = du.new_document()
        document.core_properties.title = "Template leftover"
        document.add_paragraph("The Real Title", style="Title")
        document.add_paragraph("A subtitle", style="Subtitle")
        document.add_heading("One", level=1)
        got = read(du.saved(document))
        assert (got.metadata.title, got.metadata.subtitle) == ("The Real Title", "A subtitle")
        assert got.html == "<h2>One</h2>"


class TestNotes:
    def test_footnotes_and_endnotes_take_python_markdowns_shape(self):
        document = du.new_document()
        p = document.add_paragraph("Foot")
        du.add_note_call(p, "footnote", 1)
        p.add_run(" and end")
        du.add_note_call(p, "endnote", 1)
        p.add_run(".")
        du.add_notes_part(document, "footnote", {1: "A footnote."})
        du.add_notes_part(document, "endnote", {1: "An endnote."})
        html = read(du.saved(document)).html
        assert html == (
            '<p>Foot<sup id="fnref:footnote-1"><a href="#fn:footnote-1" class="footnote-ref">1</a></sup>'
            ' and end<sup id="fnref:endnote-1"><a href="#fn:endnote-1" class="footnote-ref">2</a></sup>.</p>'
            '<div class="footnote"><hr><ol>'
            '<li id="fn:footnote-1"><p>A footnote.</p></li>'
            '<li id="fn:endnote-1"><p>An endnote.</p></li>'
            "</ol></div>"
        )
        chapter, _ = build_chapter(
            html, Metadata(), index=1, name=NAME, source=None,
            base_dir=Path.cwd(), ids=IdRegistry(), assets=AssetStore([Path.cwd()]), links=LinkTable(),
        )  # fmt: skip
        assert chapter.notes == (
            ("fn-1-1", "<p>A footnote.</p>"),
            ("fn-1-2", "<p>An endnote.</p>"),
        )
        assert '<a class="noteref" id="fnref-1-1" href="#fn-1-1">1</a>' in chapter.html


class TestWhatNeverReachesTheOutput:
    def test_tracked_deletions_and_comments(self):
        document = du.new_document()
        p = document.add_paragraph("Kept ")
        du.add_tracked_changes(p, deleted="WITHDRAWN", inserted="added")
        commented = document.add_paragraph("Reviewed text.")
        document.add_comment(commented.runs, text="PRIVATE REMARK", author="Reviewer")
        data = du.saved(document)
        assert b"WITHDRAWN" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
        assert b"PRIVATE REMARK" in zipfile.ZipFile(io.BytesIO(data)).read("word/comments.xml")
        html = read(data).html
        assert html == "<p>Kept added</p><p>Reviewed text.</p>"


class TestImages:
    def test_images_become_files_with_their_alt_text(self):
        document = du.new_document()
        picture = du.png()
        document.add_picture(io.BytesIO(picture))
        document.inline_shapes[0]._inline.docPr.set("descr", "A red box")
        document.add_picture(io.BytesIO(picture))  # the same image again: one file
        got = read(du.saved(document))
        assert got.files == {"docx-image-1.png": picture}
        assert got.html == (
            '<p><img alt="A red box" src="docx-image-1.png"></p><p><img src="docx-image-1.png"></p>'
        )

    def test_a_windows_metafile_becomes_its_alt_text_with_a_warning(self, caplog):
        document = du.new_document()
        du.add_emf_picture(document, "Sales chart")
        with caplog.at_level(logging.WARNING, "exporter"):
            got = read(du.saved(document))
        assert got.files == {}
        assert got.html == '<p><span class="missing-image">[Sales chart]</span></p>'
        assert "book.docx: image 'Sales chart' is a Windows metafile (EMF/WMF)" in caplog.text


class TestThePackage:
    def test_a_renamed_text_file_is_not_a_docx(self):
        with pytest.raises(SourceError, match=r"book\.docx: not a Word \.docx document"):
            read(b"Just some text.\n")

    def test_a_damaged_document_part(self):
        broken = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
        data = du.rezip(simple(), drop="word/document.xml", extra={"word/document.xml": broken})
        with pytest.raises(
            SourceError, match=r"book\.docx: cannot be read as a Word document \(ExpatError"
        ):
            read(data)

    def test_a_zip_without_a_document_part(self):
        data = du.rezip(simple(), drop="word/document.xml")
        with pytest.raises(SourceError, match=r"has no word/document\.xml"):
            read(data)

    def test_an_old_or_password_protected_document(self):
        with pytest.raises(SourceError, match=r"password-protected document or an old Word \.doc"):
            read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))

    def test_an_encrypted_entry(self):
        data = du.set_encrypted_flag(simple(), "word/document.xml")
        with pytest.raises(
            SourceError, match=r"'word/document\.xml' inside the \.docx is encrypted"
        ):
            read(data)

    def test_a_compression_word_never_writes(self):
        data = du.rezip(simple(), method=zipfile.ZIP_BZIP2)
        with pytest.raises(SourceError, match="uses a compression Word never writes"):
            read(data)

    def test_a_doctype_in_a_part(self):
        bad = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
        data = du.rezip(simple(), extra={"customXml/item9.xml": bad})
        with pytest.raises(SourceError, match=r"'customXml/item9\.xml' declares a DOCTYPE"):
            read(data)

    def test_too_many_entries(self):
        extra = {f"word/media/x{n}.bin": b"" for n in range(10_001)}
        with pytest.raises(LimitError, match=r"holds 10,0\d\d files, over the limit of 10,000"):
            read(du.rezip(simple(), extra=extra))

    def test_a_zip_bomb_entry(self):
        data = du.rezip(simple(), extra={"word/media/zeros.bin": bytes(64 * 1024 * 1024)})
        assert len(data) < 200_000
        with pytest.raises(
            LimitError, match=r"'word/media/zeros.bin' inside the .docx inflates 1,0\d\d times"
        ):
            read(data)

    def test_unpacked_size_and_xml_part_limits_follow_the_policy(self):
        noise = random.Random(7).randbytes(3 * 1024 * 1024)  # deflate cannot shrink it
        data = du.rezip(simple(), extra={"word/media/big.bin": noise})
        with using(Policy(max_source_bytes=150_000)), pytest.raises(LimitError, match="unpacks to"):
            read(data)
        with (
            using(Policy(max_source_bytes=200_000)),
            pytest.raises(
                LimitError,
                match=r"'word/styles(WithEffects)?\.xml' inside the \.docx is [\d,]+ bytes, over the limit of 400,000",
            ),
        ):
            read(simple())


class TestEndToEnd:
    def test_a_manuscript_becomes_a_valid_epub(self, tmp_path, epubcheck, caplog):
        """A .docx given to the CLI, its image carried in by the reader's ``files``."""
        from click.testing import CliRunner
        from pypdf import PdfReader

        from exporter.cli import cli

        document = du.new_document()
        document.core_properties.author = "Ann Roe"
        document.core_properties.language = "en"
        document.add_paragraph("A Docx Book", style="Title")
        document.add_heading("Opening", level=1)
        p = document.add_paragraph("Text with a note")
        du.add_note_call(p, "footnote", 1)
        p.add_run(" and ")
        p.add_run("small caps").font.small_caps = True
        p.add_run(".")
        du.add_notes_part(document, "footnote", {1: "The note."})
        document.add_paragraph("item", style="List Bullet")
        document.add_table(rows=1, cols=2).cell(0, 0).text = "cell"
        document.add_picture(io.BytesIO(du.png(40, 30)))
        document.inline_shapes[0]._inline.docPr.set("descr", "A red box")
        with caplog.at_level(logging.WARNING, "exporter"):
            got = read(du.saved(document))
        assert caplog.text == ""  # nothing that --strict would refuse
        assert list(got.files) == ["docx-image-1.png"]
        source = tmp_path / "manuscript.docx"
        source.write_bytes(du.saved(document))
        out = tmp_path / "out"
        result = CliRunner().invoke(cli, ["build", str(source), "-o", str(out), "--strict"])
        assert result.exit_code == 0, result.output
        epub, pdf = out / "manuscript.epub", out / "manuscript.pdf"
        epubcheck.assert_clean(epub)
        reader = PdfReader(pdf)
        assert reader.metadata.title == "A Docx Book" and reader.metadata.author == "Ann Roe"
        page = reader.pages[0].extract_text()
        assert "Opening" in page and "The note." in page
        assert [image.image.size for page in reader.pages for image in page.images] == [(40, 30)]
        with zipfile.ZipFile(epub) as book:
            names = book.namelist()
            opf = book.read(next(n for n in names if n.endswith(".opf"))).decode()
            text = "".join(
                book.read(n).decode() for n in names if n.endswith(".xhtml") and "nav" not in n
            )
        assert "<dc:title>A Docx Book</dc:title>" in opf
        assert '<dc:creator id="creator-1">Ann Roe</dc:creator>' in opf
        assert '<h2 id="opening">Opening</h2>' in text
        assert '<span class="smallcaps">small caps</span>' in text
        assert re.search(
            r'<figure class="figure"><img alt="A red box" src="images/\w+\.png"/>', text
        )
        assert any(n.startswith("EPUB/images/") and n.endswith(".png") for n in names)
        assert 'epub:type="noteref" role="doc-noteref" id="fnref-1-1" href="#fn-1-1">1</a>' in text
        assert re.search(
            r'<aside class="footnote" id="fn-1-1"[^>]*><p><span class="fn-label">1\.</span> The note\.',
            text,
        )
