"""``exporter preview`` and ``exporter build --watch``: rebuild when an input changes.

Both stop on Ctrl-C (or SIGTERM) with exit code 0, as stopping is how a watch ends; the
build in progress, if any, is killed with its process (its child dies with it).
"""

from __future__ import annotations

import contextlib
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from exporter.cli.options import apply_config, from_option, make_policy, safety_options
from exporter.cli.run import EXIT_CODES_HELP, run, setup_logging

if TYPE_CHECKING:
    from exporter.live.server import PreviewServer
    from exporter.live.watcher import Watched
    from exporter.live.worker import Snapshot, Worker
    from exporter.settings import Settings

DEFAULT_PORT = 8000


@click.command(epilog=EXIT_CODES_HELP)
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True, path_type=str)
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    help=f"Port to listen on; 0 picks a free one. Default: {DEFAULT_PORT}, or a free one "
    f"when {DEFAULT_PORT} is taken.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback lets other machines read the book; "
    "they must use this address (or, for 0.0.0.0, this machine's host name) in the URL.",
)
@click.option("-t", "--theme", default=None, help="A built-in theme name or a theme folder.")
@click.option("--css", multiple=True, metavar="[TARGET:]FILE", help="As for build.")
@click.option("--page-size", help="PDF page size: A4, Letter, A5, 6x9 or a CSS size.")
@click.option("--layout", type=click.Choice(["article", "book"]), help="As for build.")
@click.option("--lang", help="Override the language (a BCP 47 tag such as en or pt-BR).")
@click.option("--encoding", help="Input encoding when it is not UTF-8 (any Python codec).")
@click.option("--transform", "transforms", multiple=True, metavar="NAME", help="As for build.")
@from_option
@safety_options
@click.pass_context
def preview(ctx: click.Context, sources: tuple[str, ...], **params: Any) -> None:
    """Show SOURCE files (or a book) in the browser, rebuilt live as they change.

    Prints the address (http://127.0.0.1:PORT/) as its first line, then serves the HTML
    rendering, the PDF pages as images, and the warnings, reloading on each save of a
    source, an image, the manifest, the config file or the theme. Ctrl-C stops it.
    """
    from exporter.errors import ExporterError
    from exporter.live.server import LOOPBACK
    from exporter.live.watcher import Inputs, inputs_of, watch
    from exporter.live.worker import Snapshot, Worker

    port, host = params.pop("port"), params.pop("host")
    setup_logging(quiet=True, verbose=params.pop("verbose"))
    configure = _configure(ctx, params, sources)

    def inputs_now(state: Snapshot) -> Watched:
        """The inputs ``state``'s build read, and the config and theme (file I/O: per build)."""
        try:
            theme = configure().theme
        except ExporterError:  # a broken config file: the rebuild shows it
            theme = params.get("theme")
        return inputs_of(sources, state.inputs, theme)

    held: tuple[Path, ...] = ()

    def report(state: Snapshot) -> None:
        """Hand the watcher the inputs as soon as a build finds them (and as it ends), print."""
        nonlocal held
        if not state.busy or state.inputs != held:
            held = state.inputs
            inputs.set(inputs_now(state))
        _report(state)

    with _noted_signals() as asked:  # a Ctrl-C as early as the first line's stops it too
        worker = Worker(list(sources), configure, report)
        try:
            server = _bind(host, port, worker, Path(sources[0]).name)
        except OSError as exc:
            raise click.UsageError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}; give another --port "
                "(0 picks a free one)."
            ) from None
        click.echo(server.url())
        sys.stdout.flush()  # the first line, before the first build: scripts wait for it
        if host not in LOOPBACK:
            click.echo(
                f"warning: listening on {host}: anyone who can reach this address can read the "
                "book; use the default 127.0.0.1 unless you mean it.",
                err=True,
            )
        stop = threading.Event()
        inputs = Inputs(inputs_now(Snapshot()))  # before any build reports (no build runs yet)
        worker.watched = lambda: inputs.watched.files
        _threads(
            (server.serve_forever, "serve"),
            (lambda: worker.serve(stop), "build"),
            (lambda: watch(inputs, lambda changed: worker.request(), stop), "watch"),
        )
        while not asked:
            time.sleep(0.05)
        stop.set()
        server.stop()
        click.echo("stopped", err=True)


def _bind(host: str, port: int | None, worker: Worker, title: str) -> PreviewServer:
    """Listen on ``port``; without one, on DEFAULT_PORT or else a free port."""
    from exporter.live.server import PreviewServer

    if port is not None:
        return PreviewServer(host, port, worker, title)
    try:
        return PreviewServer(host, DEFAULT_PORT, worker, title)
    except OSError:
        return PreviewServer(host, 0, worker, title)


def _report(state: Snapshot) -> None:
    """Print one line per finished rebuild (and its warnings) on stderr."""
    if state.busy:
        return
    if state.error:
        click.echo(f"error: {state.error}", err=True)
        return
    took = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in state.timings.items())
    click.echo(f"built ({took}), {len(state.warnings)} warning(s)", err=True)
    for warning in state.warnings:
        click.echo(f"warning: {warning}", err=True)


def _configure(
    ctx: click.Context, params: dict[str, Any], sources: tuple[str, ...]
) -> Callable[[], Settings]:
    """Return what makes a rebuild's Settings: the options, then the config file afresh."""
    from exporter.model import Metadata
    from exporter.settings import Settings

    def configure() -> Settings:
        values = dict(params)
        apply_config(ctx, values, Path(sources[0]))
        for unused in ("strict", "formats"):  # a preview never fails on warnings
            values.pop(unused, None)
        overrides = Metadata(
            title=values.pop("title", None) or "",
            authors=tuple(values.pop("authors", ())),
            lang=values.pop("lang", None) or "",
            date=values.pop("date", None) or "",
        )
        policy = make_policy(values)
        return Settings(
            transforms=tuple(values.pop("transforms")), metadata=overrides, policy=policy, **values
        )

    return configure


def _threads(*targets: tuple[Callable[[], object], str]) -> None:
    """Start each target in a daemon thread: none may keep the process from ending."""
    for target, name in targets:
        threading.Thread(target=target, name=f"exporter-{name}", daemon=True).start()


@contextlib.contextmanager
def _noted_signals() -> Iterator[list[int]]:
    """Make Ctrl-C and SIGTERM add their number to the list given, wherever the main thread
    is, instead of raising there; put the handlers found back at the end.

    A KeyboardInterrupt raised while the server was still starting (between its first line
    and its wait) ended the command in click's "Aborted!", exit 1. The handler takes no
    lock: it may run while the main thread holds one.
    """
    asked: list[int] = []
    found = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum, handler in found.items():
        if handler is not signal.SIG_IGN:  # a shell's background job ignores Ctrl-C: still
            signal.signal(signum, lambda number, frame: asked.append(number))
    try:
        yield asked
    finally:
        for signum, handler in found.items():
            signal.signal(signum, handler)


def watch_build(
    ctx: click.Context,
    sources: list[Any],
    settings: Settings,
    output_dir: str,
    quiet: bool,
    check: bool = False,
) -> None:
    """Build, then rebuild whenever an input changes, one line per build, until Ctrl-C."""
    from exporter.errors import ExporterError, UsageError
    from exporter.live.rebuild import build_once
    from exporter.live.watcher import Before, Inputs, inputs_of, watch

    if check:
        run(ctx, lambda: _refuse(UsageError("--check and --watch: run 'exporter check' instead.")))
    if output_dir == "-":
        run(ctx, lambda: _refuse(UsageError("--watch writes files: give -o FOLDER, not -o -.")))
    if not all(isinstance(s, str) and s != "-" for s in sources):
        run(ctx, lambda: _refuse(UsageError("--watch watches files: give paths, not - or --from.")))
    inputs = Inputs(inputs_of(sources, (), settings.theme))
    changes: queue.Queue[list[Path]] = queue.Queue()
    stop = threading.Event()

    def once(why: str) -> None:
        """Build and print what was written, or the error; keep watching either way."""
        start = time.monotonic()
        before = Before.now(inputs.watched.files)
        try:
            done = build_once(sources, settings, output_dir)
        except ExporterError as exc:
            click.echo(f"error: {exc}", err=True)
            if moved := before.missed(None):  # saved while read: a half-written file's error
                changes.put(sorted(moved))
            return
        if not quiet:  # first: the outputs are written, the line says so at once
            names = ", ".join(str(p) for p in done.paths)
            click.echo(f"{why} in {time.monotonic() - start:.2f} s: {names}", err=True)
        inputs.set(inputs_of(sources, done.inputs, settings.theme))  # watched from now on
        if late := before.missed(inputs.watched.files):  # found by this build, saved since
            changes.put(sorted(late))

    # Watching starts first: a save during the first build is a change to build again.
    _threads((lambda: watch(inputs, changes.put, stop), "watch"))
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        once("built")
        while True:
            try:
                changed = changes.get(timeout=0.5)
            except queue.Empty:
                continue
            while not changes.empty():  # saves that came during a build: one rebuild
                changed += changes.get_nowait()
            shown = ", ".join(sorted({p.name for p in changed}))
            once(f"rebuilt after a change to {shown}")
    except KeyboardInterrupt:  # the build under way, if any, was killed with its child
        stop.set()
        click.echo("stopped", err=True)


def _interrupt(signum: int, frame: object) -> None:
    """Stop on SIGTERM as on Ctrl-C."""
    raise KeyboardInterrupt


def _refuse(error: Exception) -> None:
    """Raise ``error`` (for ``run`` to show it with its exit code)."""
    raise error
