"""``--print`` and its options (click only): the print-ready PDF and the book's cover."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from exporter.press import PAPERS


def print_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --print, --bleed, --marks, --output-intent, --paper and --paper-thickness."""
    options = [
        click.option(
            "--print",
            "print_ready",
            is_flag=True,
            help="Print-ready PDF: PDF/X-4, bleed, crop and cross marks, trimmed to "
            "--page-size; a book also gets NAME-cover.pdf (back, spine, front). A book.toml "
            "[print] table does the same.",
        ),
        click.option(
            "--bleed",
            metavar="LENGTH",
            help="With --print: bleed round the page. Default 3mm (0.125in for inch sizes).",
        ),
        click.option(
            "--marks/--no-marks",
            default=None,
            help="With --print: crop and cross marks (default on; print-on-demand services "
            "such as KDP want none).",
        ),
        click.option(
            "--output-intent",
            type=click.Path(dir_okay=False),
            metavar="FILE.icc",
            help="With --print: the printer's ICC profile (default: sRGB).",
        ),
        click.option(
            "--paper",
            type=click.Choice(sorted(PAPERS)),
            help="With --print: the paper, for the cover's spine width. Default: white.",
        ),
        click.option(
            "--paper-thickness",
            metavar="LENGTH",
            help="With --print: one page's thickness (0.0572mm), instead of --paper's.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def press_from(params: dict[str, Any], first_source: str) -> Any:
    """Return the PrintSpec the options (over a book.toml's [print] table) ask for, or None.

    The print options are removed from ``params``. Without --print or a [print] table the
    other print options are refused, as they would silently do nothing.
    """
    from dataclasses import replace

    from exporter.errors import UsageError
    from exporter.press import PrintSpec
    from exporter.press.manifest import manifest_spec

    wanted = params.pop("print_ready")
    given = {
        key: params.pop(key)
        for key in ("bleed", "marks", "output_intent", "paper", "paper_thickness")
    }
    given = {key: value for key, value in given.items() if value is not None}
    base = manifest_spec(first_source) if first_source != "-" else None
    if not wanted and base is None:
        if given:
            name = next(iter(given)).replace("_", "-")
            raise UsageError(f"--{name} applies to print-ready PDFs: add --print.")
        return None
    chosen = PrintSpec.of(**given)
    return replace(base or PrintSpec(), **{k: getattr(chosen, k) for k in _fields(given)})


def _fields(given: dict[str, Any]) -> list[str]:
    """Return the PrintSpec fields the given options set (a profile sets two)."""
    names = [key for key in given if key != "output_intent"]
    return names + (["output_intent", "intent_name"] if "output_intent" in given else [])
