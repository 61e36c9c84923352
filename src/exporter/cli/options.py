"""Options shared by commands (click only): formats, safety limits, config-file defaults.

``safety_options`` adds the same limits and switches to ``build`` and ``batch``. Logic lives
in ``guard.policy``, ``config`` and ``formats``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from exporter.errors import UsageError
from exporter.formats import READERS, WRITERS, Registry
from exporter.guard.policy import MAX_MEMORY, MAX_SOURCE_BYTES, MAX_TIMEOUT, MiB, Policy

SAFETY_HELP = {
    "allow_remote": "Fetch http(s) images (never from loopback, private or link-local "
    "addresses, on any redirect). Default: no network.",
    "resource_root": "Also allow images, and files a book's manifest or a batch's "
    "symlinks name, from this folder tree; repeatable.",
    "trusted_input": "Keep raw HTML's inline CSS (style=). Scripts, forms, embeds etc. are "
    "still removed.",
}


class RegistryChoice(click.ParamType):
    """A format's name from a registry, checked when given.

    Not a click.Choice: listing the choices up front would look for installed plugins, which
    costs more than the rest of ``--help`` (their entry points are read only when a name is
    not a built-in one). ``exporter formats`` lists every format, plugins' included.
    """

    def __init__(self, registry: Registry[Any]) -> None:
        self.registry = registry
        self.name = registry.kind

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "[" + "|".join(self.registry.builtin_names()) + "|...]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return str(self.registry.get(str(value)).name)
        except UsageError as exc:
            self.fail(str(exc), param, ctx)


# -f/--format, the same for build and batch.
format_option = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=RegistryChoice(WRITERS),
    help="Output format; repeat for several. Default: pdf and epub. "
    "'exporter formats' lists them all.",
)
# --from, the same for build and batch.
from_option = click.option(
    "--from",
    "source_format",
    type=RegistryChoice(READERS),
    help="The sources' format (default: from each file's suffix; stdin (-) needs it).",
)


# --timeout 1e12 or --max-input-size inf used to end in an internal error (exit 1).
MAX_INPUT_MB = MAX_SOURCE_BYTES / MiB
MAX_MEMORY_MB = MAX_MEMORY // MiB


def a_number(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse NaN, which passes every range check (its comparisons are all false)."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("give a number, not nan.", ctx, param)
    return value


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
            type=click.FloatRange(min=0, max=MAX_INPUT_MB, min_open=True),
            callback=a_number,
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
            type=click.FloatRange(min=0, max=MAX_TIMEOUT),
            callback=a_number,
            default=None,
            help="Seconds the whole build (reading and every format) may take; 0: no limit. "
            "Default: 120 plus 300 per MB of sources (a book: its folder's sources). A format "
            "that fails to render fails alone: the others are written (exit 4).",
        ),
        click.option(
            "--max-memory",
            type=click.IntRange(min=0, max=MAX_MEMORY_MB),
            default=default.max_memory // MiB,
            show_default=True,
            help="Memory one document may use, in MB (0: no limit). In a batch, each "
            "article's own limit: -j N may use N times it in all.",
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


def apply_config(ctx: click.Context, params: dict[str, Any], source: Path) -> None:
    """Fill options the user did not give from the config file nearest ``source`` (a file,
    or a folder such as a book's, where the search starts); theirs win."""
    from exporter.config import find

    config = find(source if source.is_dir() else source.parent)
    for key, value in config.values.items():
        if ctx.get_parameter_source(key) in (None, click.core.ParameterSource.DEFAULT):
            params[key] = value
