"""The command line's pipeline pieces (click only): safety options, config defaults, batch.

``safety_options`` adds the same limits and switches to ``build`` and ``batch``; ``batch`` is
the many-articles command. Logic lives in ``policy``, ``config`` and ``batch``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from exporter.guard.policy import MiB, Policy

SAFETY_HELP = {
    "allow_remote": "Fetch http(s) images (never from loopback, private or link-local "
    "addresses, on any redirect). Default: no network.",
    "resource_root": "Also allow images from this folder tree; repeatable.",
    "trusted_input": "Keep raw HTML's inline CSS (style=). Scripts, forms, embeds etc. are "
    "still removed.",
}


# -f/--format, the same for build and batch.
format_option = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["pdf", "epub", "html"]),
    help="Output format; repeat for several. Default: pdf and epub.",
)


def safety_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the safety switches and limits, and --verbose, to a command."""
    default = Policy()
    options = [
        click.option("--allow-remote", is_flag=True, help=SAFETY_HELP["allow_remote"]),
        click.option(
            "--resource-root",
            "resource_roots",
            multiple=True,
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help=SAFETY_HELP["resource_root"],
        ),
        click.option("--trusted-input", is_flag=True, help=SAFETY_HELP["trusted_input"]),
        click.option(
            "--max-input-size",
            type=click.FloatRange(min=0, min_open=True),
            default=default.max_source_bytes / MiB,
            show_default=True,
            help="Largest source, in MB.",
        ),
        click.option(
            "--max-depth",
            type=click.IntRange(min=10),
            default=default.max_depth,
            show_default=True,
            help="Deepest element nesting laid out.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0),
            default=default.timeout,
            show_default=True,
            help="Seconds one document may take (0: no limit); it is stopped after.",
        ),
        click.option(
            "--max-memory",
            type=click.IntRange(min=0),
            default=default.max_memory // MiB,
            show_default=True,
            help="Memory one document may use, in MB (0: no limit).",
        ),
        click.option("-v", "--verbose", is_flag=True, help="Print each stage as it happens."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_policy(params: dict[str, Any]) -> Policy:
    """Build the Policy from the options ``safety_options`` added (and remove them)."""
    return Policy(
        allow_remote=params.pop("allow_remote"),
        resource_roots=tuple(p.resolve() for p in params.pop("resource_roots")),
        trusted_input=params.pop("trusted_input"),
        max_source_bytes=int(params.pop("max_input_size") * MiB),
        max_depth=params.pop("max_depth"),
        timeout=params.pop("timeout"),
        max_memory=params.pop("max_memory") * MiB,
    )


def show_stages(quiet: bool, verbose: bool) -> Callable[[], None]:
    """On a terminal, show a build's stages on one redrawn line; return what clears it."""
    import logging

    from exporter.cli.progress import StageHandler

    if quiet or verbose or not sys.stderr.isatty():
        return lambda: None
    handler = StageHandler()
    logger = logging.getLogger("exporter")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    for other in logger.handlers:
        if other is not handler and other.level < logging.WARNING:
            other.setLevel(logging.WARNING)
    # WeasyPrint's own steps, page by page during layout: a long book shows how far it is.
    steps = logging.getLogger("weasyprint.progress")
    steps.addHandler(handler)
    steps.setLevel(logging.INFO)
    steps.propagate = False
    return handler.finish


def apply_config(ctx: click.Context, params: dict[str, Any], folder: Path) -> None:
    """Fill options the user did not give from the nearest config file; theirs win."""
    from exporter.config import find

    config = find(folder)
    for key, value in config.values.items():
        if ctx.get_parameter_source(key) in (None, click.core.ParameterSource.DEFAULT):
            params[key] = value


@click.command(epilog="Exit code: 0 when every article succeeded, else the worst failure's.")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the outputs; they mirror the input folders' trees.",
)
@format_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes. Default: the number of cores.",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Run on this Dask scheduler (tcp://host:8786) instead of local processes.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")
@click.option("--force", is_flag=True, help="Rebuild articles whose outputs are up to date.")
@click.option("-t", "--theme", default=None, help="A built-in theme name or a theme folder.")
@click.option("--page-size", help="PDF page size: A4, Letter, A5, 6x9 or a CSS size.")
@click.option("--encoding", help="Input encoding when it is not UTF-8 (any Python codec).")
@click.option("--strict", is_flag=True, help="Fail an article (exit 5) on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print failures only.")
@safety_options
@click.pass_context
def batch(ctx: click.Context, **params: Any) -> None:
    """Convert every article under INPUT files and folders, each its own publication."""
    import os

    from exporter import batch as batching
    from exporter.cli.progress import Progress

    verbose, quiet, as_json = params.pop("verbose"), params.pop("quiet"), params.pop("as_json")
    from exporter.cli import _run, _setup_logging

    _setup_logging(quiet=True if not verbose else quiet, verbose=verbose)
    first = params["inputs"][0]
    apply_config(ctx, params, first if first.is_dir() else first.parent)
    options = batching.Options(
        formats=tuple(params["formats"]) or ("pdf", "epub"),
        theme=params["theme"],
        page_size=params["page_size"],
        encoding=params["encoding"],
        strict=params["strict"],
        policy=make_policy(params),
    )
    if params["dask_address"]:
        executor: batching.Executor = batching.DaskExecutor(params["dask_address"])
    else:
        executor = batching.LocalExecutor(params["jobs"] or os.cpu_count() or 1)
    progress: Progress | None = None

    def shown(result: batching.Result, total: int) -> None:
        nonlocal progress
        progress = progress or Progress(total, quiet=quiet)
        detail = result.error or (f"{len(result.warnings)} warning(s)" if result.warnings else "")
        progress.item(result.input, result.status, detail)

    start = time.monotonic()
    results = _run(
        ctx,
        lambda: batching.run_batch(
            params["inputs"],
            params["output_dir"],
            options,
            executor=executor,
            force=params["force"],
            on_result=shown,
        ),
    )
    if progress:
        progress.close()
    if as_json:
        report = batching.report(results, time.monotonic() - start)
        json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    ctx.exit(batching.exit_code(results))
