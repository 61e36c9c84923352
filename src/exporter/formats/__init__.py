"""The format registries: every reader, project reader, transform and writer, by name.

A format is one module plus one registration. Built-in formats are listed here as specs
that name their function (``"module:function"``), imported on first use, so choosing a
format decides what gets imported: ``--help`` loads no reader, an EPUB never loads
WeasyPrint. Third-party packages add formats through entry points, as Python-Markdown
extensions and Sphinx builders do::

    [project.entry-points."exporter.readers"]
    asciidoc = "exporter_asciidoc:READER"      # a ReaderSpec

    [project.entry-points."exporter.writers"]
    txt = "exporter_plaintext:WRITER"          # a WriterSpec

The entry point's name is the format's name; its object is loaded only when the format is
used (or when every format's suffixes are needed, as batch discovery does).
"""

from __future__ import annotations

from pathlib import Path

from exporter.errors import SourceError, UsageError
from exporter.formats.specs import (
    ProjectSpec,
    RawChapter,
    ReaderSpec,
    ReadFunction,
    Registry,
    SourceText,
    TransformSpec,
    WriteFunction,
    WriterSpec,
)

__all__ = [
    "PROJECTS",
    "READERS",
    "TRANSFORMS",
    "WRITERS",
    "ProjectSpec",
    "RawChapter",
    "ReadFunction",
    "ReaderSpec",
    "Registry",
    "SourceText",
    "TransformSpec",
    "WriteFunction",
    "WriterSpec",
    "reader_for_path",
    "suffixes",
    "writer_order",
]

READERS: Registry[ReaderSpec] = Registry(
    "source format",
    "exporter.readers",
    (
        ReaderSpec(
            "markdown",
            "exporter.readers.markdown:read",
            (".md", ".markdown"),
            aliases=("md",),
            includes=True,
            description="Markdown (Python-Markdown with front matter)",
        ),
        ReaderSpec(
            "gfm",
            "exporter.readers.commonmark:read_gfm",
            aliases=("github",),
            includes=True,
            description="GitHub Flavored Markdown (markdown-it-py)",
        ),
        ReaderSpec(
            "commonmark",
            "exporter.readers.commonmark:read_commonmark",
            aliases=("cm",),
            includes=True,
            description="strict CommonMark (markdown-it-py)",
        ),
        ReaderSpec(
            "docx",
            "exporter.readers.docx:read",
            (".docx",),
            binary=True,
            description="Word manuscripts (mammoth)",
        ),
        ReaderSpec(
            "txt",
            "exporter.readers.text:read",
            (".txt",),
            aliases=("text",),
            description="plain-text articles",
        ),
        ReaderSpec(
            "html",
            "exporter.readers.html:read",
            (".html", ".htm", ".xhtml"),
            description="HTML and XHTML pages",
        ),
    ),
)

WRITERS: Registry[WriterSpec] = Registry(
    "format",
    "exporter.writers",
    (
        WriterSpec(
            "pdf",
            "exporter.incremental.build:write",  # a book chapter by chapter
            ".pdf",
            "application/pdf",
            needs_pdf_engine=True,
            preload="exporter.incremental.build:preload",
            description="a typeset PDF (WeasyPrint)",
        ),
        WriterSpec(
            "epub",
            "exporter.writers.epub:write",
            ".epub",
            "application/epub+zip",
            after=("pdf",),  # built with a PDF: its page numbers, as a page-list
            description="an EPUB 3 e-book (EbookLib)",
        ),
        WriterSpec(
            "html",
            "exporter.writers.html:write",
            ".html",
            "text/html",
            description="one self-contained HTML page",
        ),
        WriterSpec(
            "cover",
            "exporter.writers.cover:write",
            "-cover.pdf",
            "application/pdf",
            needs_pdf_engine=True,
            after=("pdf",),  # the spine's width comes from the interior's page count
            description="a book's full-wrap print cover: back, spine, front (PDF/X)",
        ),
    ),
)

PROJECTS: Registry[ProjectSpec] = Registry(
    "project format",
    "exporter.projects",
    (
        ProjectSpec(
            "mdbook",
            "exporter.book.mdbook:load_mdbook",
            ("book.toml", "SUMMARY.md", "src/SUMMARY.md"),
            claims="exporter.book.mdbook:is_mdbook",
            description="an mdBook book (book.toml with [book], or SUMMARY.md)",
        ),
        ProjectSpec(
            "mkdocs",
            "exporter.book.mkdocs:load_mkdocs",
            ("mkdocs.yml", "mkdocs.yaml"),
            description="an MkDocs project (mkdocs.yml)",
        ),
        ProjectSpec(
            "book.toml",
            "exporter.book.manifest:load_own",
            ("book.toml",),
            description="exporter's own book manifest",
        ),
    ),
)

TRANSFORMS: Registry[TransformSpec] = Registry(
    "transform",
    "exporter.transforms",
    (
        TransformSpec(
            "math",
            "exporter.math.transform:transform",
            10,
            description="TeX formulas and raw MathML become MathML with alttext",
        ),
        TransformSpec(
            "crossref",
            "exporter.crossref:number",
            20,
            description="numbered figures, tables, listings, equations, sections; @fig:x",
        ),
        TransformSpec(
            "citations",
            "exporter.citations:cite",
            30,  # after cross-references (20): @fig:x is theirs
            description="[@key] citations and the reference list (CSL, BibTeX)",
        ),
        TransformSpec(
            "index",
            "exporter.crossref.index:make_index",
            40,
            description="index terms marked [term]{.index}, and the index at the back",
        ),
    ),
)


def reader_for_path(path: Path) -> ReaderSpec:
    """Return the reader that claims a file's suffix, or fail naming the supported ones."""
    suffix = path.suffix.lower()
    spec = READERS.first(lambda spec: suffix in spec.suffixes)
    if spec is not None:
        return spec
    known = ", ".join(sorted(suffixes()))
    raise SourceError(
        f"{path}: unsupported file type '{path.suffix or '(none)'}'. "
        f"Supported: {known}. Rename the file with one of those suffixes, or give --from."
    )


def suffixes() -> tuple[str, ...]:
    """Return every suffix some reader claims (batch finds sources by them)."""
    return tuple(dict.fromkeys(s for spec in READERS.all() for s in spec.suffixes))


def writer_order(formats: list[str]) -> list[str]:
    """Order formats so that each comes after those whose results it reads."""
    ordered: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in ordered:
            return
        if name in trail:
            raise UsageError(f"Formats depend on each other in a circle: {' -> '.join(trail)}.")
        for before in WRITERS.get(name).after:
            if before in formats:
                visit(before, (*trail, name))
        ordered.append(name)

    for name in formats:
        visit(name, ())
    return ordered
