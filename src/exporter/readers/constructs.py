"""Warn about lines that open a construct the chosen Markdown dialect does not support.

Each dialect reads such a line as plain text, silently: a ``:::`` note becomes a paragraph of
colons, an mdBook ``{{#include}}`` prints itself. One warning per kind of construct, with the
file, the first line and the way out (another ``--from``, or what to do to the source), so
``--strict`` refuses the source and the author knows why. Fenced code is skipped, except for
mdBook's include directives, which live inside fences by design.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

log = logging.getLogger("exporter")

DIALECTS = ("markdown", "commonmark", "gfm")


@dataclass(frozen=True)
class Construct:
    """A kind of line some dialects do not read: where it is unsupported and the way out."""

    kind: str
    pattern: re.Pattern[str]
    unsupported: frozenset[str]
    advice: str
    in_code: re.Pattern[str] | None = None  # what still counts inside fenced code


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Block markers must stand at the start of the line (indentation allowed: they nest in
# lists); each needs what follows it, so a setext underline (===) or a row of ! is no match.
CONSTRUCTS = (
    Construct(
        "a ':::' container",
        # ::: {#refs} is not one: the citations transform puts the reference list there.
        _re(r"^\s*:::+[ \t]*(?!\{\s*#refs\s*\}\s*$)[{\w]"),
        frozenset({"markdown", "commonmark"}),
        "it is read as text; use --from gfm, which reads ':::' containers as admonitions",
    ),
    Construct(
        "an MkDocs '!!!'/'???' admonition",
        _re(r"^\s*(?:!!!|\?\?\?\+?)[ \t]+\w"),
        frozenset({"commonmark", "gfm"}),
        "it is read as text; use --from markdown, or write a '> [!NOTE]' alert",
    ),
    Construct(
        "an MkDocs '===' tab",
        _re(r'^\s*===[ \t]+"'),
        frozenset({"commonmark", "gfm"}),
        "it is read as text; use --from markdown",
    ),
    Construct(
        "an mdBook '{{#...}}' directive",
        _re(r"\{\{#"),
        frozenset(DIALECTS),
        "it was not expanded; build the book from its book.toml or paste the included text",
        in_code=_re(r"\{\{#(?:include|rustdoc_include|playground|title)\b"),
    ),
    Construct(
        "a Jinja/Liquid '{%' tag",
        _re(r"\{%"),
        frozenset(DIALECTS),
        "it is printed as text; render the template first (or escape it as code)",
    ),
    Construct(
        "a '+++' front matter line",
        _re(r"^\+\+\+[ \t]*$"),
        frozenset(DIALECTS),
        "front matter is read only at the very top of the file, as YAML between '---' lines",
    ),
)

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def warn_unsupported(text: str, name: str, dialect: str) -> None:
    """Warn once per kind of construct ``dialect`` does not support, naming its first line."""
    wanted = [c for c in CONSTRUCTS if dialect in c.unsupported]
    found: dict[str, tuple[Construct, int, int]] = {}  # kind -> (construct, line, count)
    fence = ""
    lines = text.split("\n")
    # TOML front matter at the very top (Hugo, Zola) is front matter handling's business.
    toml = lines[0].rstrip() == "+++" and "+++" in (line.rstrip() for line in lines[1:])
    for number, line in enumerate(lines, start=1):
        if toml:
            toml = number == 1 or line.rstrip() != "+++"
            continue
        opener = _FENCE.match(line)
        if fence:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = ""
                continue
        elif opener and not (opener.group(1)[0] == "`" and "`" in line[opener.end() :]):
            fence = opener.group(1)  # (a backtick fence's info string has no backtick)
            continue
        for construct in wanted:
            pattern = construct.in_code if fence else construct.pattern
            if pattern is not None and pattern.search(line):
                seen = found.get(construct.kind)
                found[construct.kind] = (construct, seen[1] if seen else number,
                                         (seen[2] if seen else 0) + 1)  # fmt: skip
    for kind, (construct, first, count) in found.items():
        more = f" ({count} such lines)" if count > 1 else ""
        log.warning(
            "%s:%d: %s is not supported by the %s dialect%s: %s.",
            name, first, kind, dialect, more, construct.advice,
        )  # fmt: skip
