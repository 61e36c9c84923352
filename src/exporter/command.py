"""The ``exporter`` command's entry point: start-up work before the CLI is imported."""

from __future__ import annotations


def main() -> None:
    """Run the command line, with what it compiles at start-up kept between runs."""
    from exporter import compiled

    compiled.install()  # before the imports: their patterns and classes come from the cache too
    from exporter.cli import main as run

    run()
