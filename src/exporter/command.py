"""The ``exporter`` command's entry point: start-up work before the CLI is imported."""

from __future__ import annotations


def main() -> None:
    """Run the command line, with what it compiles at start-up kept between runs.

    A Ctrl-C while the command is still importing ends it as a Ctrl-C during its work
    does (``cli.run``): one line, exit 130, no traceback. Nothing is written yet and no
    child runs, so it ends at once: a KeyboardInterrupt raised inside an import can come
    out as another error (Python wraps one raised in ``__set_name__`` in a RuntimeError).
    """
    import signal

    # Not where Ctrl-C is ignored (a shell's background job): it stays ignored.
    ours = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if ours:
        signal.signal(signal.SIGINT, _interrupted)
    from exporter import compiled

    compiled.install()  # before the imports: their patterns and classes come from the cache
    from exporter.cli import main as run

    if ours:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the commands handle it now
    run()


def _interrupted(signum: int, frame: object) -> None:
    import os

    os.write(2, b"interrupted\n")
    os._exit(130)
