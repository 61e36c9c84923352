"""Run DAISY Ace, the accessibility checker publishers use, on an EPUB; return its findings.

Ace is a Node program (``npm install --ignore-scripts @daisy/ace``) that opens every content
document in a headless Chromium and runs axe-core on it, then checks the package's
accessibility metadata. Its ``ace`` command drives Electron, which an ``--ignore-scripts``
install does not download, so ``ace-puppeteer`` is preferred; it drives the Chromium that
``PUPPETEER_EXECUTABLE_PATH`` names, set here to the system's ``chromium`` when unset.
``$EXPORTER_ACE`` names the command when it is not on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "EXPORTER_ACE"
COMMANDS = ("ace-puppeteer", "ace")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
IMPACTS = ("critical", "serious", "moderate", "minor")


class AceUnavailable(Exception):
    """Ace could not run: not installed, no browser, or it failed; the message says why."""


@dataclass(frozen=True)
class Violation:
    """One Ace finding: where, which rule, how serious, and what it said."""

    file: str  # the content document or package file, as Ace names it
    rule: str  # axe-core or Ace rule id: color-contrast, epub-lang, ...
    impact: str  # critical, serious, moderate or minor
    message: str
    where: str = ""  # a CSS selector of the element, when there is one

    def __str__(self) -> str:
        at = f" at {self.where}" if self.where else ""
        return f"{self.file}: [{self.impact}] {self.rule}{at}: {self.message}"


def find_ace() -> list[str] | None:
    """Return the command that runs Ace ($EXPORTER_ACE, or ace-puppeteer/ace on PATH)."""
    given = os.environ.get(ENV_VAR)
    if given:
        found = shutil.which(given)
        return [found] if found else None
    for name in COMMANDS:
        found = shutil.which(name)
        if found:
            return [found]
    return None


def run_ace(path: str | os.PathLike[str], *, timeout: float = 600) -> list[Violation]:
    """Check one EPUB with Ace; return every violation it reports, of any impact.

    Raises AceUnavailable when Ace is not installed or did not produce a report.
    """
    command = find_ace()
    if command is None:
        given = os.environ.get(ENV_VAR)
        raise AceUnavailable(
            f"${ENV_VAR} names '{given}', which is not an executable"
            if given
            else "Ace was not found; install it with "
            "'npm install --ignore-scripts @daisy/ace' (and Chromium), "
            f"then put ace-puppeteer on PATH or set ${ENV_VAR}"
        )
    env = dict(os.environ)
    if not env.get("PUPPETEER_EXECUTABLE_PATH"):
        browser = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
        if browser is None:
            raise AceUnavailable(
                "Ace needs Chromium: apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH"
            )
        env["PUPPETEER_EXECUTABLE_PATH"] = browser
    with tempfile.TemporaryDirectory(prefix="exporter-ace-") as work:
        out = Path(work) / "report"
        # Ace writes its log under $HOME: keep it in the scratch folder.
        env["HOME"] = work
        try:
            proc = subprocess.run(
                [*command, "--silent", "--force", "--outdir", str(out),
                 "--tempdir", str(Path(work) / "tmp"), str(Path(path).resolve())],
                capture_output=True, text=True, timeout=timeout, env=env, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise AceUnavailable(f"Ace could not run: {exc}") from None
        report = out / "report.json"
        if not report.is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise AceUnavailable(f"Ace failed (exit {proc.returncode}): {' '.join(detail)}")
        return violations(json.loads(report.read_text(encoding="utf-8")))


def violations(report: dict) -> list[Violation]:
    """Return the violations of an Ace ``report.json``, most serious first."""
    found = []
    for subject in report.get("assertions", []):
        file = subject.get("earl:testSubject", {}).get("url", "")
        for assertion in subject.get("assertions", []):
            test, result = assertion.get("earl:test", {}), assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            selectors = result.get("earl:pointer", {}).get("css") or []
            found.append(
                Violation(
                    file=file,
                    rule=test.get("dct:title", ""),
                    impact=test.get("earl:impact", ""),
                    message=" ".join(result.get("dct:description", "").split()),
                    where=" ".join(selectors[:1]),
                )
            )
    order = {impact: i for i, impact in enumerate(IMPACTS)}
    return sorted(found, key=lambda v: (order.get(v.impact, len(IMPACTS)), v.file, v.rule))
