"""The works the suite measures: article and book to EPUB and PDF, batch, start-up, scaling."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from harness import EXPORTER, Report, chromium_print, measure, run_once
from pypdf import PdfReader


def article_and_book(
    report: Report,
    tools: dict,
    work: Path,
    name: str,
    sources: list[Path],
    runs: int,
    pdf: bool = True,
    dialect: str | None = None,
) -> None:
    """Time one publication to EPUB and to PDF (unless not ``pdf``) with exporter and each
    peer; exporter reads the sources as ``dialect`` (``--from``) when one is given."""
    out = work / f"out-{name}"
    out.mkdir()
    folder = sources[0].parent
    calibre_source = folder / "book.md" if len(sources) > 1 else sources[0]
    names = [str(p) for p in sources]

    given = ["--from", dialect] if dialect else []
    epub = {"exporter": [*EXPORTER, "build", *names, *given, "-f", "epub", "-o", str(out / "x")]}
    if tools["pandoc"]:
        epub["pandoc 3"] = [tools["pandoc"], *names, "-o", str(out / "pandoc.epub")]
    if tools["ebook-convert"]:
        epub["calibre ebook-convert"] = [
            tools["ebook-convert"],
            str(calibre_source),
            str(out / "calibre.epub"),
        ]
    work_name = f"{name} -> EPUB" + (f" (--from {dialect})" if dialect else "")
    report.add(work_name, measure(epub, folder, runs))
    if not pdf:
        return

    # The kept intermediate: exactly what exporter hands WeasyPrint, for the CLI and Chromium.
    keep = out / "keep"
    # --no-cache: a cold build each time (a book keeps its chapters in OUTDIR/.exporter-cache).
    cold = ["-f", "pdf", "--no-cache"]
    code = subprocess.run([*EXPORTER, "build", *names, *cold, "--keep-html", "-o", str(keep)],
                          capture_output=True, check=False).returncode  # fmt: skip
    kept = next(keep.glob("*.pdf-html/index.html"), None) if code == 0 else None
    if kept:
        pages = len(PdfReader(next(keep.glob("*.pdf"))).pages)
        report.notes.append(f"{name}: {pages} pages in the classic theme (A4)")
    else:
        report.notes.append(
            "exporter build --keep-html failed: WeasyPrint CLI and Chromium skipped"
        )
    pdf = {"exporter": [*EXPORTER, "build", *names, *cold, "-o", str(out / "y")]}
    if kept and tools["weasyprint"]:
        css = kept.with_name("style.css")
        pdf["weasyprint CLI (same HTML+CSS)"] = [
            tools["weasyprint"],
            "-s",
            str(css),
            str(kept),
            str(out / "weasy.pdf"),
        ]
    if tools["pandoc"] and tools["weasyprint"]:
        engine = ["--pdf-engine", tools["weasyprint"]]
        pdf["pandoc 3 --pdf-engine=weasyprint"] = [
            tools["pandoc"], *names, *engine, "-o", str(out / "pandoc.pdf")
        ]  # fmt: skip
    if tools["ebook-convert"]:
        pdf["calibre ebook-convert"] = [
            tools["ebook-convert"],
            str(calibre_source),
            str(out / "calibre.pdf"),
        ]
    if kept and tools["chromium"]:
        pdf["chromium --print-to-pdf"] = chromium_print(
            tools["chromium"], kept, out / "chromium.pdf"
        )
    report.add(f"{name} -> PDF", measure(pdf, folder, runs))


def batch(report: Report, work: Path, corpus: list[Path], runs: int) -> None:
    """Articles per second: -j 1, -j 2, and a shell loop of single builds (on a tenth)."""
    folder = corpus[0].parent
    help_ok = run_once([*EXPORTER, "batch", "--help"], work)[2] == 0
    if not help_ok:
        report.notes.append("exporter batch is not available: batch section skipped")
        return
    out = work / "out-batch"

    def fresh(_: str) -> None:
        shutil.rmtree(out, ignore_errors=True)

    def batch_command(jobs: int) -> list[str]:
        formats = ["-f", "pdf", "-f", "epub"]
        return [*EXPORTER, "batch", str(folder), "-o", str(out), *formats, "-j", str(jobs)]

    commands = {"exporter batch -j 2": batch_command(2), "exporter batch -j 1": batch_command(1)}
    samples = measure(commands, work, runs, prepare=fresh)
    subset = corpus[: max(2, len(corpus) // 10)]
    loop = " ; ".join(
        f"{' '.join(EXPORTER)} build {p} -o {work / 'out-loop'} >/dev/null" for p in subset
    )
    looped = measure({"shell loop of exporter build": loop}, work, runs)
    for sample in looped.values():  # scale the loop to the whole corpus
        sample.wall = [w * len(corpus) / len(subset) for w in sample.wall]
    samples.update(looped)
    report.add(f"batch of {len(corpus)} -> PDF+EPUB", samples, baseline="exporter batch -j 2")
    shutil.rmtree(out, ignore_errors=True)
    run_once(commands["exporter batch -j 2"], work)
    rerun = measure({"re-run, nothing changed": commands["exporter batch -j 2"]}, work, runs)
    rerun["exporter batch -j 2"] = samples["exporter batch -j 2"]
    report.add("batch re-run (skips)", rerun, baseline="exporter batch -j 2")


def startup(report: Report, work: Path, runs: int) -> None:
    """--help and --version: what every script pays before any work."""
    report.add("start-up", measure({
        "exporter": [*EXPORTER, "--help"],
        "exporter --version": [*EXPORTER, "--version"],
    }, work, runs))  # fmt: skip


def scaling(report: Report, work: Path, runs: int) -> None:
    """Time and memory per page at about 100 and 1,000 pages.

    The two books are built in turn (small, large, small, ...), so that a machine whose
    speed drifts over minutes weighs on both alike.
    """
    import inputs

    commands, outs = {}, {}
    for chapters in (16, 164):  # about 6 pages a chapter in the classic theme
        folder = work / f"scale-{chapters}"
        paths = inputs.make_book(folder, chapters, seed=3)
        outs[chapters] = folder / "out"
        commands[chapters] = [*EXPORTER, "build", *map(str, paths), "-f", "pdf", "--no-cache"]
        commands[chapters] += ["-o", str(outs[chapters])]
    samples = measure(commands, work, runs)
    for chapters, sample in samples.items():
        pages = len(PdfReader(next(outs[chapters].glob("*.pdf"))).pages)
        report.notes.append(
            f"scaling: {pages} pages in {sample.median:.1f} s = "
            f"{1000 * sample.median / pages:.1f} ms/page, "
            f"peak {sample.peak:.0f} MiB = {sample.peak / pages:.2f} MiB/page"
        )
