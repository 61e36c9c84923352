"""The command line: options in, one API call, paths or a one-line error out.

Exit codes: 0 success; 1 an internal error (a bug: please report it); 2 usage; 3 an input
that is missing, unreadable, undecodable, empty or of an unsupported kind; 4 a limit
exceeded; 5 a --strict violation; 6 an output that could not be written.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

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


class _Commands(click.Group):
    """exporter's group: a Ctrl-C before a command handles its own is exit 130, not 1.

    Click turns a KeyboardInterrupt it meets into "Aborted!" and exit 1, the code of
    exporter's own bugs; one pressed while a command was still starting (its imports, a
    server's start) ended so.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP,
)
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
    try:
        cli(prog_name="exporter")
    except SystemExit as done:
        _leave(done.code)
        raise


def _leave(code: object) -> None:
    """End the process now, without the interpreter's teardown, when nothing needs it.

    Tearing down every imported module object by object cost a one-shot build about 40 M
    instructions (callgrind; 7% of its start-up); the system frees a process's memory at
    once. Exit handlers still run and the standard streams are flushed. A message for an
    exit code, a thread still running (the preview's) or a stream that cannot be flushed
    gets the interpreter's ordinary exit.
    """
    if not (code is None or isinstance(code, int)) or threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = 120  # as the interpreter exits when it cannot flush them
    os._exit(code or 0)
