"""What every command shares: logging set-up, and turning API errors into exit codes."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from typing import TypeVar

import click

from exporter.errors import NOTICE, ExporterError

logging.addLevelName(NOTICE, "NOTE")

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


class _OnceEach(logging.Filter):
    """Let each notice through once: a batch's articles would repeat the same one."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != NOTICE:
            return True
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


def setup_logging(quiet: bool, verbose: bool = False) -> None:
    """Send the library's warnings and notes (and with ``verbose`` its stages) to stderr."""
    # Quiet filters at the handler: warnings must still be logged for --strict to count them.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_StderrFormatter())
    handler.setLevel(logging.ERROR if quiet else logging.INFO if verbose else NOTICE)
    handler.addFilter(_OnceEach())
    for name in ("exporter", "weasyprint"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.INFO if verbose and name == "exporter" else NOTICE)
        logger.propagate = False


def run(ctx: click.Context, action: Callable[[], T]) -> T:
    """Run an API call; turn its errors into one stderr line and their exit code."""
    try:
        return action()
    except ExporterError as exc:
        details = getattr(exc, "details", "")  # InternalError's
        if ctx.find_root().obj.get("debug") and details:
            click.echo(details.rstrip(), err=True)  # a bug's traceback, from its process
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
