"""The command line: options in, one API call, paths or a one-line error out.

Exit codes: 0 success; 1 an internal error (a bug: please report it); 2 usage; 3 an input
that is missing, unreadable, undecodable, empty or of an unsupported kind; 4 a limit
exceeded; 5 a --strict violation; 6 an output that could not be written.
"""

from __future__ import annotations

import click

from exporter.cli.batch import batch
from exporter.cli.build import build
from exporter.cli.commands import check_command, formats, init, themes
from exporter.cli.live import preview
from exporter.cli.run import EXIT_CODES_HELP

__all__ = ["cli", "main"]


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


for command in (build, check_command, init, themes, formats, batch, preview):
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``exporter`` command."""
    cli(prog_name="exporter")
