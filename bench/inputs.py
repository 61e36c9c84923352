"""Generate the benchmark inputs deterministically: the same bytes on every machine.

- the sample article (copied from samples/);
- a synthetic book of N Markdown chapters with footnotes, a table, code and an image;
- a corpus of M short articles (plain text and Markdown, alternating).

The words come from a fixed vocabulary and a seeded generator, so a run today and a run next
month lay out the same pages.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

_WORDS = """
the of and to in a is that for it as was with be by on not he this are or his from at which
but have an they you were her she there been one all we their has would when if more no out
so said what up its about into than them can only other new some could time these two may
then do first any my now such like our over man me even most made after also did many before
must through back years where much your way well down should because each just those people
how too little state good very make world still own see men work long get here between both
life being under never day same another know while last might us great old year off come
since against go came right used take three diplomatic intervention militias government
region humanitarian council security troops assistance transitional displaced neighbouring
agencies international regional support
"""
_VOCABULARY = _WORDS.split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_VOCABULARY) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def chapter(number: int, rng: random.Random, paragraphs: int = 24) -> str:
    """One chapter (about six A4 pages in classic), using every kind of block the themes style."""
    parts = [f"# Chapter {number}: {_sentence(rng)[:-1][:48]}", ""]
    for section in range(1, 4):
        parts += [f"## Section {number}.{section}", ""]
        for i in range(paragraphs // 3):
            text = _paragraph(rng)
            if i == 2:
                text += f"[^n{section}]"
            parts += [text, ""]
        parts += [f"[^n{section}]: {_sentence(rng)} {_sentence(rng)}", ""]
        if section == 1:
            parts += ["| Region | Displaced | Returned |", "|:--|--:|--:|"]
            parts += [
                f"| {rng.choice(_VOCABULARY)} | {rng.randint(1000, 99999)} "
                f"| {rng.randint(10, 999)} |"
                for _ in range(6)
            ]
            parts += [""]
        if section == 2:
            parts += [
                "```python",
                "def count(rows):",
                "    return sum(r.displaced for r in rows)",
                "```",
                "",
            ]
        if section == 3 and number % 3 == 1:
            parts += ['![Displaced people](displaced.png "People displaced, by place")', ""]
    return "\n".join(parts)


def make_book(folder: Path, chapters: int, seed: int = 1) -> list[Path]:
    """Write a book of ``chapters`` chapter files and return them in reading order."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLES / "images" / "displaced.png", folder / "displaced.png")
    rng = random.Random(seed)
    paths = []
    for number in range(1, chapters + 1):
        path = folder / f"ch{number:03d}.md"
        path.write_text(chapter(number, rng), encoding="utf-8")
        paths.append(path)
    # calibre takes one file: the same book concatenated.
    (folder / "book.md").write_text("\n\n".join(p.read_text("utf-8") for p in paths), "utf-8")
    return paths


def make_corpus(folder: Path, count: int, seed: int = 2) -> list[Path]:
    """Write ``count`` short articles (about three pages each)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for number in range(1, count + 1):
        title = _sentence(rng)[:-1][:60]
        body = [_paragraph(rng) for _ in range(9)]
        if number % 2:
            path = folder / f"article-{number:04d}.txt"
            text = "\n\n".join([title, *body[:4], "Further reading", *body[4:]])
        else:
            path = folder / f"article-{number:04d}.md"
            text = "\n\n".join([f"# {title}", *body[:4], "## Further reading", *body[4:]])
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def make_article(folder: Path) -> Path:
    """Copy the sample article (plain text, three pages in the classic theme)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "article.md"
    shutil.copyfile(SAMPLES / "mali-intervention.md", target)
    return target
