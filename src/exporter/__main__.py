"""Run the command-line interface: ``python -m exporter``."""

from exporter.cli import main

main()
