"""``exporter build``: options in, one Settings, one API call, paths or a one-line error out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from exporter.cli.commands import check_report
from exporter.cli.options import (
    apply_config,
    format_option,
    from_option,
    make_policy,
    safety_options,
    show_stages,
)
from exporter.cli.press import press_from, print_options
from exporter.cli.run import EXIT_CODES_HELP, run, setup_logging
from exporter.settings import DEFAULT_PDF_VARIANT, PDF_VARIANTS


@click.command(epilog=EXIT_CODES_HELP)
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
@click.option(
    "--css",
    multiple=True,
    metavar="[TARGET:]FILE",
    help="Your stylesheet after the theme's: FILE for every output, or pdf:FILE, epub:FILE, "
    "html:FILE for one; repeatable (later wins). url() may name files beside it.",
)
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
@click.option(
    "--list",
    "lists",
    type=click.Choice(["figures", "tables"]),
    multiple=True,
    help="A book's list of figures or of tables, after its contents; repeatable.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=DEFAULT_PDF_VARIANT,
    show_default=True,
    help="PDF standard to meet: pdf/ua-1 is tagged for screen readers; pdf/a-* archival "
    "(also tagged), pdf/x-* print; none: an untagged PDF.",
)
@click.option("--embed-fonts", is_flag=True, help="Put the theme's fonts into the EPUB too.")
@click.option("--encoding", help="Input encoding when it is not UTF-8 (any Python codec).")
@click.option("--strict", is_flag=True, help="Fail (exit 5) on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--cover", type=click.Path(dir_okay=False), help="Cover image for the EPUB.")
@click.option(
    "--split-level",
    type=click.IntRange(2, 6),
    help="EPUB: also start a file at each heading of this level, 2-6 (every chapter "
    "starts one anyway).",
)
@click.option(
    "--max-image-size", type=click.IntRange(16), help="EPUB: scale images down to N pixels."
)
@click.option("--check", "check", is_flag=True, help="Check the EPUB after building it.")
@click.option(
    "--keep-html",
    is_flag=True,
    help="Also write STEM.pdf-html/: the exact HTML, CSS, fonts and images given to "
    "WeasyPrint (weasyprint --pdf-variant pdf/ua-1 -s style.css index.html out.pdf renders "
    "the same PDF).",
)
@click.option(
    "--transform",
    "transforms",
    multiple=True,
    metavar="NAME",
    help="Run an installed plugin's transform (repeatable; 'exporter formats' lists them).",
)
@print_options
@click.option(
    "--bibliography",
    "bibliography",
    multiple=True,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Bibliography for [@key] citations: BibTeX/BibLaTeX .bib, CSL-JSON or CSL-YAML; "
    "repeatable. Default: the sources' 'bibliography:'.",
)
@click.option(
    "--csl",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="CSL style for citations (a .csl file). Default: Chicago author-date.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="After building, rebuild whenever a source, image, manifest, config or theme "
    "changes, until Ctrl-C.",
)
@click.option(
    "--incremental/--no-incremental",
    default=True,
    show_default=True,
    help="PDF of a book: lay it out chapter by chapter, in parallel (-j) and cached "
    "(--cache): after an edit, only what changed is laid out again. --no-incremental: "
    "as one document.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="PDF of a book: lay out chapters in N processes. Default: the number of cores.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="PDF of a book: keep laid-out chapters in DIR (safe to delete, at most 500 MB). "
    "Default: OUTDIR/.exporter-cache (none with -o -).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the chapter cache.")
@from_option
@safety_options
@click.pass_context
def build(ctx: click.Context, sources: tuple[str, ...], **params: Any) -> None:
    """Build SOURCE files into a PDF and an EPUB (each source a chapter, in order).

    A book.toml manifest (or a folder holding one) as the only SOURCE builds a book.
    SOURCE - reads stdin (give --from); -o - writes the one format given with -f to stdout.
    """
    from exporter.api import convert, produce
    from exporter.errors import PartialError

    output_dir, quiet, check = params.pop("output_dir"), params.pop("quiet"), params.pop("check")
    verbose, watch = params.pop("verbose"), params.pop("watch")
    setup_logging(quiet, verbose)
    _cache_choice(params, output_dir)
    first = Path(sources[0]) if sources[0] != "-" else Path.cwd()
    run(ctx, lambda: apply_config(ctx, params, first))
    settings = run(ctx, lambda: _settings(params, sources[0]))
    if output_dir == "-" and len(settings.formats) != 1:
        raise click.UsageError("-o - writes one format to stdout: give exactly one -f.")
    if "-" in sources and settings.source_format is None:
        raise click.UsageError("Reading stdin (-) needs --from (md, gfm, txt, html, ...).")
    inputs = run(ctx, lambda: [_source(s, settings.source_format) for s in sources])
    if output_dir == "-":
        made = run(ctx, lambda: produce(inputs, settings=settings))
        sys.stdout.buffer.write(made.outputs[settings.formats[0]])
        sys.stdout.flush()
        return
    if watch:
        from exporter.cli.live import watch_build

        return watch_build(ctx, inputs, settings, output_dir, quiet, check)
    finish = show_stages(quiet, verbose)

    def build_all() -> list[Path]:
        try:
            return convert(inputs, None, output_dir, settings=settings)
        except PartialError as exc:  # what was written is still listed, one path a line
            finish()
            for path in exc.written:
                click.echo(str(path))
            raise

    try:
        written = run(ctx, build_all)
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
            check_report(ctx, path, failure_code=1, strict=settings.strict)


def _settings(params: dict[str, Any], first_source: str) -> Any:
    """Make the one Settings of this build from the options and the config file's defaults."""
    from exporter.model import Metadata
    from exporter.settings import DEFAULT_FORMATS, Settings

    overrides = Metadata(
        title=params.pop("title") or "",
        authors=tuple(params.pop("authors")),
        lang=params.pop("lang") or "",
        date=params.pop("date") or "",
    )
    from exporter.guard.policy import using

    policy = make_policy(params)
    with using(policy):  # a book.toml's [print] profile is confined as its chapters are
        press = press_from(params, first_source)
    params["split_level"] = params["split_level"] or 1  # 1: a file per chapter only
    return Settings(
        press=press,
        formats=tuple(params.pop("formats")) or DEFAULT_FORMATS,
        transforms=tuple(params.pop("transforms")),
        metadata=overrides,
        policy=policy,
        warm_up=False,  # one build per process: warming the renderer first only adds time
        **params,
    )


def _cache_choice(params: dict[str, Any], output_dir: str) -> None:
    """Resolve -j, --cache and --no-cache into Settings' ``jobs`` and ``cache_dir``."""
    if params.pop("no_cache"):
        params["cache_dir"] = None
    elif params["cache_dir"] is None and output_dir != "-":
        params["cache_dir"] = str(Path(output_dir) / ".exporter-cache")
    if params["jobs"] is None:
        del params["jobs"]


def _source(name: str, kind: str | None) -> Any:
    """Turn a SOURCE argument into what the API reads: stdin's bytes for -, else a path."""
    from exporter.api import Source

    if name == "-":
        return Source("<stdin>", sys.stdin.buffer.read(), kind or "markdown")
    return Source.from_path(name, kind) if kind else name
