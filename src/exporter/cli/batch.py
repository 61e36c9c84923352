"""``exporter batch``: many articles, each its own publication, on local cores or Dask."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from exporter.cli.options import (
    apply_config,
    format_option,
    from_option,
    make_policy,
    safety_options,
)
from exporter.cli.run import run, setup_logging


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
@click.option("--css", multiple=True, metavar="[TARGET:]FILE", help="As for build.")
@click.option("--page-size", help="PDF page size: A4, Letter, A5, 6x9 or a CSS size.")
@click.option("--encoding", help="Input encoding when it is not UTF-8 (any Python codec).")
@click.option("--strict", is_flag=True, help="Fail an article (exit 5) on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print failures only.")
@from_option
@safety_options
@click.pass_context
def batch(ctx: click.Context, **params: Any) -> None:
    """Convert every article under INPUT files and folders, each its own publication."""
    import os

    from exporter import batch as batching
    from exporter.cli.progress import Progress
    from exporter.settings import DEFAULT_FORMATS, Settings

    verbose, quiet, as_json = params.pop("verbose"), params.pop("quiet"), params.pop("as_json")
    setup_logging(quiet=True if not verbose else quiet, verbose=verbose)
    first = params["inputs"][0]
    apply_config(ctx, params, first)
    options = Settings(
        formats=tuple(params["formats"]) or DEFAULT_FORMATS,
        theme=params["theme"],
        css=tuple(params["css"]),
        page_size=params["page_size"],
        encoding=params["encoding"],
        strict=params["strict"],
        source_format=params["source_format"],
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
        progress.total = total  # one more at the end when the state could not be saved
        detail = result.error or (f"{len(result.warnings)} warning(s)" if result.warnings else "")
        progress.item(result.input, result.status, detail)

    start = time.monotonic()
    results = run(
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
        import json  # here: --help and build never need it

        report = batching.report(results, time.monotonic() - start)
        json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    ctx.exit(batching.exit_code(results))
