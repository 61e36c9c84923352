"""Run the command-line interface: ``python -m exporter``."""

from exporter.command import main

main()
