"""The command line: options in, one API call, paths or a one-line error out.

Exit codes: 0 success; 1 an internal error (a bug: please report it); 2 usage; 3 an input
that is missing, unreadable, undecodable, empty or of an unsupported kind; 4 a limit
exceeded; 5 a --strict violation; 6 an output that could not be written.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from exporter.cli.options import (
    apply_config,
    batch,
    format_option,
    make_policy,
    safety_options,
    show_stages,
)
from exporter.errors import ExporterError

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 internal error (please report it); 2 usage; 3 bad input "
    "(missing, unreadable, undecodable, empty, unsupported); 4 a limit exceeded; "
    "5 --strict violation; 6 output could not be written; 130 interrupted."
)
T = TypeVar("T")
REPORT_URL = "https://github.com/exporter/exporter/issues"


class _StderrFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        origin = "" if record.name.startswith("exporter") else f"{record.name}: "
        return f"{record.levelname.lower()}: {origin}{record.getMessage()}"


def _setup_logging(quiet: bool, verbose: bool = False) -> None:
    # Quiet filters at the handler: warnings must still be logged for --strict to count them.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_StderrFormatter())
    handler.setLevel(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    for name in ("exporter", "weasyprint"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.INFO if verbose and name == "exporter" else logging.WARNING)
        logger.propagate = False


def _version() -> str:
    from exporter import __version__

    return __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(_version(), "--version", prog_name="exporter")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn articles (Markdown, plain text, HTML) into typeset PDF and EPUB 3 books."""
    ctx.obj = {"debug": debug}


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@format_option
@click.option(
    "-o",
    "--output-dir",
    default=".",
    # Not click.Path(file_okay=False): an output folder that cannot be made is an output
    # error (exit 6), raised when writing, not a usage error.
    type=click.Path(),
    help="Folder for the outputs, or - for stdout (one format). Default: the current folder.",
)
@click.option("-t", "--theme", default=None, help="A built-in theme name or a theme folder.")
@click.option("--title", help="Override the title.")
@click.option("--author", "authors", multiple=True, help="Override the authors; repeatable.")
@click.option("--lang", help="Override the language (a BCP 47 tag such as en or pt-BR).")
@click.option("--date", help="Override the date (YYYY-MM-DD).")
@click.option("--page-size", help="PDF page size: A4, Letter, A5, 6x9 or a CSS size.")
@click.option(
    "--layout",
    type=click.Choice(["article", "book"]),
    help="article: title block on page 1; book: title page, contents, chapters on right-hand "
    "pages. Default: book for several sources, article for one.",
)
@click.option(
    "--toc-depth",
    type=click.IntRange(1, 6),
    default=3,
    show_default=True,
    help="Levels in the printed contents and the EPUB nav (1: chapters only).",
)
@click.option("--embed-fonts", is_flag=True, help="Put the theme's fonts into the EPUB too.")
@click.option("--encoding", help="Input encoding when it is not UTF-8 (any Python codec).")
@click.option("--strict", is_flag=True, help="Fail (exit 5) on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--cover", type=click.Path(dir_okay=False), help="Cover image for the EPUB.")
@click.option(
    "--split-level", type=click.IntRange(1, 6), default=1, help="EPUB: a file per heading level."
)
@click.option(
    "--max-image-size", type=click.IntRange(16), help="EPUB: scale images down to N pixels."
)
@click.option("--check", "check", is_flag=True, help="Check the EPUB after building it.")
@click.option(
    "--keep-html",
    is_flag=True,
    help="Also write STEM.pdf-html/: the exact HTML, CSS, fonts and images given to "
    "WeasyPrint (weasyprint -s style.css index.html out.pdf renders the same PDF).",
)
@click.option(
    "--from",
    "from_kind",
    type=click.Choice(["md", "txt", "html"]),
    help="The sources' kind, for stdin (-) or an unknown suffix.",
)
@safety_options
@click.pass_context
def build(
    ctx: click.Context,
    sources: tuple[str, ...],
    formats: tuple[str, ...],
    output_dir: str,
    theme: str | None,
    title: str | None,
    authors: tuple[str, ...],
    lang: str | None,
    date: str | None,
    page_size: str | None,
    layout: str | None,
    toc_depth: int,
    embed_fonts: bool,
    encoding: str | None,
    strict: bool,
    quiet: bool,
    cover: str | None,
    split_level: int,
    max_image_size: int | None,
    check: bool,
    keep_html: bool,
    from_kind: str | None,
    **safety: Any,
) -> None:
    """Build SOURCE files into a PDF and an EPUB (each source a chapter, in order).

    A book.toml manifest (or a folder holding one) as the only SOURCE builds a book.
    SOURCE - reads stdin (give --from); -o - writes the one format given with -f to stdout.
    """
    from exporter.api import convert, produce
    from exporter.model import Metadata

    verbose = safety.pop("verbose")
    _setup_logging(quiet, verbose)
    params = dict(
        theme=theme,
        formats=formats,
        page_size=page_size,
        title=title,
        authors=authors,
        lang=lang,
        date=date,
        encoding=encoding,
        strict=strict,
    )
    first = Path(sources[0]).parent if sources[0] != "-" else Path.cwd()
    _run(ctx, lambda: apply_config(ctx, params, first))
    overrides = Metadata(
        title=params["title"] or "",
        authors=tuple(params["authors"]),
        lang=params["lang"] or "",
        date=params["date"] or "",
    )
    chosen = tuple(params["formats"]) or ("pdf", "epub")
    if output_dir == "-" and len(chosen) != 1:
        raise click.UsageError("-o - writes one format to stdout: give exactly one -f.")
    if "-" in sources and from_kind is None:
        raise click.UsageError("Reading stdin (-) needs --from md|txt|html.")
    inputs = _run(ctx, lambda: [_source(s, from_kind) for s in sources])
    options = dict(
        theme=params["theme"],
        metadata=overrides,
        encoding=params["encoding"],
        page_size=params["page_size"],
        strict=params["strict"],
        policy=make_policy(safety),
        cover=cover,
        split_level=split_level,
        max_image_size=max_image_size,
        layout=layout,
        toc_depth=toc_depth,
        embed_fonts=embed_fonts,
        warm_up=False,  # one build per process: warming the renderer first only adds time
        keep_html=keep_html,
    )
    if output_dir == "-":
        made = _run(ctx, lambda: produce(inputs, chosen, **options))
        sys.stdout.buffer.write(made.outputs[chosen[0]])
        sys.stdout.flush()
        return
    finish = show_stages(quiet, verbose)
    try:
        written = _run(ctx, lambda: convert(inputs, chosen, output_dir, **options))
    finally:
        finish()
    for path in written:
        click.echo(str(path))
    if check:
        epubs = [p for p in written if p.suffix == ".epub"]
        if not epubs:
            click.echo("note: --check checks EPUBs, and none was built", err=True)
        for path in epubs:
            # Every EPUB exporter writes must pass: a failure here is exporter's bug.
            _check(ctx, path, failure_code=1)


@cli.command(name="check")
@click.argument("epub", type=click.Path(dir_okay=False, path_type=str))
@click.pass_context
def check_command(ctx: click.Context, epub: str) -> None:
    """Check an EPUB with EPUBCheck (when Java is present) and exporter's own checks."""
    from pathlib import Path

    if not Path(epub).is_file():
        click.echo(f"error: {epub}: no such file. Check the path.", err=True)
        ctx.exit(3)
    _check(ctx, Path(epub), failure_code=3)


def _check(ctx: click.Context, path, failure_code: int) -> None:
    """Print a check's findings and its one-line verdict; exit non-zero on any error."""
    from exporter.check import check_epub

    report = _run(ctx, lambda: check_epub(path))
    for severity, message in report.problems:
        click.echo(f"{severity}: {path}: {message}", err=True)
    if report.epubcheck != "ran":
        click.echo(f"note: {report.epubcheck}; ran exporter's own checks only", err=True)
    checks = "EPUBCheck and exporter's checks" if report.epubcheck == "ran" else "exporter's checks"
    verdict = "passed" if not report.errors else "FAILED"
    click.echo(
        f"{path}: {verdict} {checks}: {report.errors} error(s), {report.warnings} warning(s)"
    )
    if report.errors:
        ctx.exit(failure_code)


def _source(name: str, kind: str | None) -> Any:
    """Turn a SOURCE argument into what the API reads: stdin's bytes for -, else a path."""
    from exporter.api import Source

    if name == "-":
        return Source("<stdin>", sys.stdin.buffer.read(), kind)
    return Source.from_path(name, kind) if kind else name


@cli.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("--title", help="The book's title (default: from the folder's name).")
@click.pass_context
def init(ctx: click.Context, folder: str, title: str | None) -> None:
    """Start a book: write a commented book.toml and a first chapter in FOLDER."""
    from exporter.book.scaffold import init_book

    for path in _run(ctx, lambda: init_book(folder, title)):
        click.echo(str(path))


@cli.command()
@click.option(
    "--preview",
    "preview_dir",
    type=click.Path(file_okay=False),
    help="Render the first page of a sample in each theme to DIR/THEME.png.",
)
@click.option("--dpi", type=click.IntRange(20, 300), default=60, show_default=True)
@click.pass_context
def themes(ctx: click.Context, preview_dir: str | None, dpi: int) -> None:
    """List the built-in themes with a one-line description each."""
    from exporter.themes import list_themes

    if preview_dir:
        from exporter.preview import write_previews

        _setup_logging(quiet=False)
        for path in _run(ctx, lambda: write_previews(preview_dir, dpi=dpi)):
            click.echo(str(path))
        return
    for theme in _run(ctx, list_themes):
        click.echo(f"{theme.name:<12} {theme.description}")


def _run(ctx: click.Context, action: Callable[[], T]) -> T:
    """Run an API call; turn its errors into one stderr line and their exit code."""
    try:
        return action()
    except ExporterError as exc:
        if ctx.find_root().obj.get("debug") and getattr(exc, "details", ""):
            click.echo(exc.details.rstrip(), err=True)  # a bug's traceback, from its process
        click.echo(f"error: {exc}", err=True)
        ctx.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        ctx.exit(130)
    except Exception as exc:
        if ctx.find_root().obj.get("debug"):
            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in exporter; "
            f"please report it at {REPORT_URL} (rerun with --debug for the traceback).",
            err=True,
        )
        ctx.exit(1)


cli.add_command(batch)


def main() -> None:
    """Entry point of the ``exporter`` command."""
    cli(prog_name="exporter")
