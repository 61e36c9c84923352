"""The exporter error hierarchy: each kind of failure knows its exit code.

The library raises these and nothing else; only the CLI turns them into a message and an
exit code. They do not depend on click, so the library stays usable without the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

# The log level of notices about the environment (a missing optional library): shown on
# stderr as "note: ...", never counted as a warning by --strict.
NOTICE = 25


class ExporterError(Exception):
    """Base of every error exporter raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InternalError(ExporterError):
    """A bug in exporter or a library it uses: exit code 1, please report it."""

    exit_code = 1

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details  # the original traceback, shown with --debug


class UsageError(ExporterError):
    """An option or argument the user gave cannot be honoured (unknown theme, bad language)."""

    exit_code = 2


class ThemeError(UsageError):
    """A theme cannot be found or is malformed."""


class SourceError(ExporterError):
    """An input is missing, unreadable, undecodable, empty or of an unsupported kind."""

    exit_code = 3


class LimitError(ExporterError):
    """An input exceeds a configured limit or is too complex to lay out."""

    exit_code = 4


class StrictError(ExporterError):
    """A warning was raised while building in strict mode."""

    exit_code = 5


class OutputError(ExporterError):
    """An output file could not be written."""

    exit_code = 6


# Which failure decides an exit code when several happened: a bug first, then a broken
# destination, a limit, an input, strict mode.
SEVERITY = (1, 6, 4, 3, 5)


def worst_exit_code(codes: Iterable[int]) -> int:
    """Return the exit code that speaks for several failures (0 for none)."""
    found = set(codes) - {0}
    return next((c for c in SEVERITY if c in found), max(found, default=0))


class PartialError(ExporterError):
    """Some formats were written and others failed to render; the worst failure's exit code.

    ``written`` are the files on disk; ``failed`` each failed format's error.
    """

    def __init__(self, written: Sequence[object], failed: Mapping[str, ExporterError]) -> None:
        self.written = list(written)
        self.failed = dict(failed)
        reasons = "; ".join(f"{fmt} failed: {exc}" for fmt, exc in self.failed.items())
        done = ", ".join(str(path) for path in self.written)
        super().__init__(f"{reasons} (written: {done})")
        self.exit_code = worst_exit_code(exc.exit_code for exc in self.failed.values())
