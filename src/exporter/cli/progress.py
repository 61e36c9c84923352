"""Progress on stderr: a bar that redraws itself on a terminal, plain lines otherwise.

On a terminal a batch shows ``done/total``, the rate and the time left on one line; a long
single build shows its stages there. Piped to a file or a log, each finished item is one line
(or nothing with ``--quiet``), so logs stay readable.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

WIDTH = 24


class Progress:
    """Report items finishing, out of a known total."""

    def __init__(self, total: int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() and not quiet
        self.start = time.monotonic()

    def item(self, name: str, status: str, detail: str = "") -> None:
        """Count one finished item; print it unless it is a quiet success on a terminal."""
        self.done += 1
        if self.live:
            self._clear()
            if status == "failed":
                print(f"{status:<7} {name}: {detail}", file=self.stream)
            self._draw()
        elif not self.quiet or status == "failed":
            tail = f": {detail}" if detail else ""
            print(f"[{self.done}/{self.total}] {status:<7} {name}{tail}", file=self.stream)
            self.stream.flush()

    def close(self) -> None:
        """Remove the bar."""
        if self.live:
            self._clear()

    def _draw(self) -> None:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        filled = WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total}  {rate:.1f}/s  ETA {_clock(left)}")
        self.stream.flush()

    def _clear(self) -> None:
        self.stream.write("\r\033[K")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{secs:02d}"


class StageHandler(logging.Handler):
    """Show a build's INFO stages on one redrawn terminal line (``--verbose`` prints them)."""

    live = True  # keeps writing from an isolated child, as the stages happen

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(logging.INFO)
        self.stream = stream or sys.stderr
        self.addFilter(lambda record: record.levelno == logging.INFO)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write(f"\r\033[K{record.getMessage()[:120]}")
        self.stream.flush()

    def finish(self) -> None:
        """Clear the stage line."""
        self.stream.write("\r\033[K")
        self.stream.flush()
