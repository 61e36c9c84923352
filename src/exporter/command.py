"""The ``exporter`` command's entry point: start-up work before the CLI is imported."""

from __future__ import annotations


def main() -> None:
    """Run the command line, with compiled regular expressions kept between runs."""
    from exporter import patterns

    patterns.install()  # before the imports: their patterns come from the cache too
    from exporter.cli import main as run

    run()
