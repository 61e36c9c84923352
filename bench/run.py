"""Benchmark exporter against the peers it finds installed, in one run, on the same inputs.

    python bench/run.py            # the full suite (several minutes)
    python bench/run.py --quick    # smaller inputs, fewer runs: a smoke test of the suite

Every figure is a whole process (interpreter start-up and imports included), timed from
outside with os.wait4, which also gives the process's peak memory. Commands that are
compared run in turn (A B A B ...) after one warm-up each, and the table reports medians and
the ratio of exporter to each peer measured in this same run. Peers that are not installed
are skipped with a note; bench/README.md says how to install them.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import inputs
from harness import Report, peers
from sections import article_and_book, batch, scaling, startup


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small inputs and 2 runs")
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="counted runs per command (default 5; 2 with --quick)",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated sections: article,book,batch,startup,scaling; "
        "book-epub is the book to EPUB only",
    )
    parser.add_argument(
        "--from",
        dest="dialect",
        default=None,
        help="the Markdown dialect exporter reads the book in (gfm, commonmark); peers as ever",
    )
    args = parser.parse_args()
    runs = args.runs or (2 if args.quick else 5)
    only = set(filter(None, args.only.split(",")))
    work = args.out
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tools = peers()
    report = Report()
    # As an installed wheel is: an editable checkout under PYTHONDONTWRITEBYTECODE would
    # compile exporter's modules in every timed process (the peers' are compiled).
    import exporter

    compileall.compile_dir(Path(exporter.__file__).parent, quiet=1)
    for name, path in tools.items():
        if path is None:
            report.notes.append(f"{name} not found: skipped (see bench/README.md)")
    env_note = f"python {sys.version.split()[0]}, {os.cpu_count()} cores, runs={runs}"

    article = inputs.make_article(work / "article")
    chapters = inputs.make_book(work / "book", 4 if args.quick else 31)
    corpus = inputs.make_corpus(work / "corpus", 20 if args.quick else 200)

    if not only or "article" in only:
        article_and_book(report, tools, work, "article", [article], runs)
    if not only or "book" in only or "book-epub" in only:
        article_and_book(
            report,
            tools,
            work,
            "book",
            chapters,
            max(1, runs - 2) if not args.quick else runs,
            pdf="book-epub" not in only or "book" in only,
            dialect=args.dialect,
        )
    if not only or "batch" in only:
        batch(report, work, corpus, runs=1)
    if not only or "startup" in only:
        startup(report, work, runs * 2)
    if (not only and not args.quick) or "scaling" in only:
        scaling(report, work, runs=1 if args.quick else 2)
    report.notes.append(env_note)
    report.print()
    (work / "results.json").write_text(
        json.dumps({"rows": report.rows, "notes": report.notes}, indent=2)
    )
    print(f"\nresults: {work / 'results.json'}")


if __name__ == "__main__":
    main()
