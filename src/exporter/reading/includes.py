"""Expand include directives in a Markdown source, before its reader sees the text.

Three syntaxes, as the tools that invented them read them:

- mdBook: ``{{#include file}}``, ``{{#include file:2:10}}`` (also ``:2``, ``::10``, ``:2:``)
  and ``{{#include file:anchor}}`` (the lines between ``ANCHOR: anchor`` and
  ``ANCHOR_END: anchor``, other anchors' marker lines dropped); ``{{#rustdoc_include ...}}``
  takes the same selections; ``{{#playground file}}`` becomes a ``rust`` fence;
  ``{{#title ...}}`` is dropped; ``\\{{#...}}`` is written without its backslash. Paths are
  relative to the including file. mdBook expands them inside code fences too (that is where
  they usually are), and so do we.
- pymdownx.snippets: ``--8<-- "file"`` on a line of its own (``file:3:5`` lines, ``file:name``
  the lines between ``--8<-- [start:name]`` and ``--8<-- [end:name]``), the block form (file
  names between two ``--8<--`` lines), ``;--8<--`` escaped. Looked up in the snippet base
  folders (MkDocs: ``base_path``, from the project's folder), then beside the including file.
- markdown-include: ``{! file !}``, looked up as snippets are.

``rustdoc_include`` keeps only the lines mdBook shows before the reader expands the block
(the selection): the lines it would hide behind ``# `` are left out, since paper cannot
expand them. ``# `` lines inside the selection are left as written: hiding those is the code
stage's work, as it applies to code written in the chapter too.

Every include is confined: its real path (symlinks resolved) must lie inside ``root``, the
project's folder (a lone file's folder). A missing file, one outside the root, a web address,
a cycle, nesting deeper than MAX_DEPTH, or text past the policy's source size is a warning
``name:line: ...`` and a visible ``[missing include: file]`` in the text, never a failure.

Line numbers: the expanded text is what the reader reads; the warnings here give the line in
the file that holds the directive (an included file's own lines when it includes in turn).
Later stages that count lines (links) should look them up in the source as written.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from exporter.guard.policy import current
from exporter.reading import ledger

log = logging.getLogger("exporter")

MDBOOK, SNIPPETS, MARKDOWN_INCLUDE = "mdbook", "snippets", "markdown-include"
SYNTAXES = (MDBOOK, SNIPPETS, MARKDOWN_INCLUDE)
MAX_DEPTH = 8

_MDBOOK = re.compile(r"\\\{\{#[^\n]*?\}\}|\{\{\s*#([A-Za-z0-9_]+)\s+([^}\n]+?)\s*\}\}")
_MD_INCLUDE = re.compile(r"\{!\s*([^\n!]+?)\s*!\}")
_SNIPPET = re.compile(
    r"^(?P<space>[ \t]*)(?P<escape>;*)(?P<marker>-+8<-+)"
    r"(?:[ \t]+(?P<file>\"(?:\\\"|[^\"\n])+?\"|'(?:\\'|[^'\n])+?'))?[ \t]*$"
)
_SECTION = re.compile(
    r"-+8<-+[ \t]+\[[ \t]*(start|end)[ \t]*:[ \t]*([a-z][-_0-9a-z]*)[ \t]*\]", re.IGNORECASE
)
_ANCHOR_START = re.compile(r"ANCHOR:\s*([\w-]+)")
_ANCHOR_END = re.compile(r"ANCHOR_END:\s*([\w-]+)")
_CONTINUATION = re.compile(r"^[ \t>]*$")  # a prefix later lines repeat: indent, quote marks


def expand_includes(
    text: str,
    path: Path,
    root: Path,
    name: str,
    *,
    syntaxes: Sequence[str] = SYNTAXES,
    bases: Sequence[Path] = (),
) -> str:
    """Return ``text`` (the file ``path``, ``name`` in messages) with its includes expanded."""
    if "{{" not in text and "8<" not in text and "{!" not in text:
        return text
    expander = _Expander(Path(os.path.realpath(root)), tuple(syntaxes), tuple(bases))
    expander.left -= len(text.encode("utf-8"))
    real = Path(os.path.realpath(path))
    return expander.expand(text, path, name, (real,))


class _Expander:
    def __init__(self, root: Path, syntaxes: tuple[str, ...], bases: tuple[Path, ...]) -> None:
        self.root, self.syntaxes, self.bases = root, syntaxes, bases
        self.left = current().max_source_bytes  # what the chapter may still grow by

    def expand(self, text: str, path: Path, name: str, stack: tuple[Path, ...]) -> str:
        lines = text.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            line, number = lines[i], i + 1
            snippet = _SNIPPET.match(line) if SNIPPETS in self.syntaxes else None
            if snippet and snippet["escape"]:
                out.append(line.replace(";", "", 1))
            elif snippet and snippet["file"]:
                target = snippet["file"][1:-1].replace("\\" + snippet["file"][0], "")
                out.append(self._snippet(target, snippet["space"], path, f"{name}:{number}", stack))
            elif snippet:  # the block form: one file per line up to the closing marker
                files, i = _block(lines, i + 1)
                where = f"{name}:{number}"
                out += [self._snippet(f, snippet["space"], path, where, stack) for f in files]
            else:
                out.append(self._inline(line, path, f"{name}:{number}", stack))
            i += 1
        return "\n".join(out)

    def _inline(self, line: str, path: Path, where: str, stack: tuple[Path, ...]) -> str:
        """Expand the mdBook and markdown-include directives of one line."""
        if MDBOOK in self.syntaxes and "{{" in line:
            line = _MDBOOK.sub(lambda m: self._mdbook(m, path, where, stack), line)
        if MARKDOWN_INCLUDE in self.syntaxes and "{!" in line:

            def include(match: re.Match[str]) -> str:
                target = match.group(1)
                prefix = match.string[: match.start()]
                found = self._find(target, self._snippet_dirs(path), where)
                return self._insert(found, target, prefix, where, stack, lambda t: t)

            line = _MD_INCLUDE.sub(include, line)
        return line

    def _mdbook(self, match: re.Match[str], path: Path, where: str, stack: tuple[Path, ...]) -> str:
        if match.group(1) is None:  # \{{#...}}: written as is, without the backslash
            return match.group(0)[1:]
        kind, args = match.group(1), match.group(2).split()
        if kind == "title":
            return ""
        if kind not in ("include", "rustdoc_include", "playground") or not args:
            return match.group(0)
        spec = args[0]
        target, _, selection = spec.partition(":")
        if kind == "playground":
            target, selection = spec, ""
        prefix = match.string[: match.start()]
        found = self._find(target, [path.parent], where)

        def select(text: str) -> str:
            if kind == "playground":
                fence = "rust," + ",".join(args[1:]) if args[1:] else "rust"
                return f"```{fence}\n{text.rstrip(chr(10))}\n```"
            return _mdbook_lines(text, selection)

        return self._insert(found, spec, prefix, where, stack, select)

    def _snippet(
        self, target: str, indent: str, path: Path, where: str, stack: tuple[Path, ...]
    ) -> str:
        if "://" in target:
            log.warning("%s: snippet '%s' is a web address; it is not fetched", where, target)
            return f"{indent}[missing include: {target}]"
        file, selection = _split_snippet(target)
        found = self._find(file, self._snippet_dirs(path), where)
        text = self._insert(found, target, "", where, stack, lambda t: _snippet_lines(t, selection))
        return "\n".join(indent + line if line else line for line in text.split("\n"))

    def _snippet_dirs(self, path: Path) -> list[Path]:
        return [*self.bases, path.parent]

    def _find(self, target: str, folders: list[Path], where: str) -> Path | str:
        """Return the file's real path, or why it cannot be included."""
        outside = False  # a candidate outside the root is never looked at: say so
        for folder in folders:
            real = Path(os.path.realpath(folder / target))
            if not real.is_relative_to(self.root):
                outside = True
            elif real.is_file():
                return real
        if outside:
            return f"is outside the project's folder ({self.root.name}); move it inside"
        looked = ", ".join(_display(f) for f in folders)
        return f"was not found (looked in {looked})"

    def _insert(
        self,
        found: Path | str,
        target: str,
        prefix: str,
        where: str,
        stack: tuple[Path, ...],
        select: Callable[[str], str],
    ) -> str:
        """Read, select and expand an included file; a warning and a placeholder if not."""
        problem = found if isinstance(found, str) else self._problem(found, stack)
        if problem is None and isinstance(found, Path):
            try:
                data = found.read_bytes()
                ledger.record(found, data)  # a change to it must rebuild (batch's state)
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                problem = "is not UTF-8 text"
            except OSError as exc:
                problem = f"cannot be read ({exc.strerror})"
        if problem is not None or not isinstance(found, Path):
            log.warning("%s: include '%s' %s; a placeholder stands in its place",
                        where, target, problem)  # fmt: skip
            return f"[missing include: {target}]"
        self.left -= len(text.encode("utf-8"))
        text = text.replace("\r\n", "\n")
        text = select(text[:-1] if text.endswith("\n") else text)  # the file's last newline
        text = self.expand(text, found, _display(found), (*stack, found))
        if _CONTINUATION.match(prefix):  # mdBook repeats an indent or a quote on every line
            text = text.replace("\n", "\n" + prefix)
        return text

    def _problem(self, found: Path, stack: tuple[Path, ...]) -> str | None:
        if found in stack:
            chain = " -> ".join(p.name for p in (*stack, found))
            return f"would include itself ({chain}); break the cycle"
        if len(stack) > MAX_DEPTH:
            return f"nests includes deeper than {MAX_DEPTH} levels"
        if found.stat().st_size > self.left:
            limit = current().max_source_bytes
            return (f"would make the chapter larger than the limit of {limit} bytes for one "
                    "source (split it, or raise --max-input-size)")  # fmt: skip
        return None


def _block(lines: list[str], start: int) -> tuple[list[str], int]:
    """Return the files of a block snippet starting at ``start`` and the closing line's index."""
    files = []
    i = start
    while i < len(lines) and not re.fullmatch(r"[ \t]*-+8<-+[ \t]*", lines[i]):
        entry = lines[i].strip()
        if entry and not entry.startswith(";"):
            files.append(entry)
        i += 1
    return files, i


def _mdbook_lines(text: str, selection: str) -> str:
    """Select lines as mdBook does: ``2``, ``2:10``, ``:10``, ``2:``, or an anchor name."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    if not selection:
        return "\n".join(lines)
    first, _, last = selection.partition(":")
    if first and not first.isdigit():
        return "\n".join(_anchored(lines, first))
    start = max(int(first) - 1, 0) if first else 0
    if first and ":" not in selection:
        return "\n".join(lines[start : start + 1])
    end = int(last) if last.isdigit() else len(lines)
    return "\n".join(lines[start:end])


def _anchored(lines: list[str], anchor: str) -> list[str]:
    kept, inside = [], False
    for line in lines:
        if inside:
            end = _ANCHOR_END.search(line)
            if end and end.group(1) == anchor:
                break
            if not end and not _ANCHOR_START.search(line):
                kept.append(line)
        else:
            start = _ANCHOR_START.search(line)
            inside = bool(start and start.group(1) == anchor)
    return kept


def _split_snippet(target: str) -> tuple[str, str]:
    """Split ``file:3:5`` or ``file:name`` into the file and the selection."""
    match = re.fullmatch(r"(.*?)((?::-?\d*){1,2}|:[a-zA-Z][-_0-9a-zA-Z]*)", target)
    return (match.group(1), match.group(2)[1:]) if match and match.group(1) else (target, "")


def _snippet_lines(text: str, selection: str) -> str:
    """Select snippet lines (1-based, inclusive) or a section; drop section markers."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    if selection and not selection.lstrip("-:").isdigit() and selection[0].isalpha():
        kept, inside = [], False
        for line in lines:
            marker = _SECTION.search(line)
            if marker and marker.group(2) == selection:
                inside = marker.group(1).lower() == "start"
                if not inside:
                    break
            elif inside:
                kept.append(line)
        lines = kept
    elif selection:
        first, _, last = selection.partition(":")
        start = max(int(first) - 1, 0) if first.isdigit() else 0
        end = int(last) if last.isdigit() else len(lines)
        lines = lines[start:end]
    return "\n".join(line for line in lines if not _SECTION.search(line))


def _display(path: Path) -> str:
    """Name a file for messages: relative to the working folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
