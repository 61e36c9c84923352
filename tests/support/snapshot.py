"""Print a sha256 per output of every sample, built in every theme: a before/after check.

Run it before and after a change that must not change outputs, and compare::

    SOURCE_DATE_EPOCH=1700000000 python tests/support/snapshot.py > before.json
    ... change ...
    SOURCE_DATE_EPOCH=1700000000 python tests/support/snapshot.py > after.json
    diff before.json after.json
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import tempfile
from pathlib import Path

import exporter

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
INPUTS = [
    "features.md",
    "mali-intervention.md",
    "mali-intervention.txt",
    "field-report.html",
    "book",
]


def main() -> None:
    logging.disable(logging.WARNING)
    hashes: dict[str, str] = {}
    themes = sys.argv[1:] or ["classic", "modern", "technical"]
    with tempfile.TemporaryDirectory() as tmp:
        for theme in themes:
            for name in INPUTS:
                out = Path(tmp) / theme / name
                paths = exporter.convert(
                    [SAMPLES / name], ["pdf", "epub", "html"], out, theme=theme
                )
                for path in paths:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                    hashes[f"{theme}/{name}/{path.suffix}"] = digest
    json.dump(hashes, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
