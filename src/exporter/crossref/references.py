"""Turn ``@fig:x`` references in the text into links that say "Figure 2.3".

The forms are pandoc-crossref's: ``@fig:x`` ("Figure 2.3"), ``@Fig:x`` (capitalised, for
a sentence's start in languages that write "figure" in lower case), ``[@fig:x; @fig:y]``
("Figures 2.3 and 2.4", each number a link), ``[-@fig:x]`` (the number alone, "2.3").
Quarto's ``@fig-x`` works too. Only the five kinds (fig, tbl, lst, eq, sec) are read: any
other ``[@key]`` is a citation and is left for the citation stage, as is a bracket that
mixes both. Text in code, preformatted blocks and links is never read.

A reference to a label nothing carries stays visible as ``??fig:x`` (LaTeX prints "??"),
in ``span.xref-missing``, and is a warning naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from exporter.crossref.labels import NAME, label_id
from exporter.crossref.numbering import Entry
from exporter.crossref.text import place, text_slots
from exporter.crossref.words import capitalised

_ONE = rf"(-?)@([Ff]ig|[Tt]bl|[Ll]st|[Ee]q|[Ss]ec)[:-]({NAME})"
_PATTERN = re.compile(rf"\[\s*-?@(?:[^\[\]@;]+)(?:;\s*-?@[^\[\]@;]+)*\]|(?<![\w@\\]){_ONE}")
_SINGLE = re.compile(rf"^\s*{_ONE}\s*$")
KINDS = {"fig": "figure", "tbl": "table", "lst": "listing", "eq": "equation", "sec": "section"}


class Resolver:
    """Rewrite references in chapters against the numbered entries of the whole document."""

    def __init__(
        self, entries: dict[str, Entry], words: dict[str, str], missing: Callable[[str], None]
    ) -> None:
        """Resolve against ``entries`` by id; ``missing`` is told each unknown label."""
        self.entries, self.words, self.missing = entries, words, missing

    def rewrite(self, root: etree._Element) -> None:
        """Replace every reference in the tree's text (outside code and links) in place."""
        for el, into_text, text in text_slots(root, "@"):
            self._replace(el, text, into_text)

    def _replace(self, el: etree._Element, text: str, into_text: bool) -> None:
        """Split ``text`` at references and put links (and the text between) in its place."""
        pieces: list[str | etree._Element] = []
        last = 0
        for found in _PATTERN.finditer(text):
            made = self._render(found.group(0))
            if made is None:
                continue
            pieces += [text[last : found.start()], *made]
            last = found.end()
        if not pieces:
            return
        pieces.append(text[last:])
        place(el, pieces, into_text)

    def _render(self, written: str) -> list[str | etree._Element] | None:
        """Return the markup of one reference (or bracket of them); None for a citation."""
        items = [part.strip() for part in written.strip("[]").split(";")]
        refs = [_SINGLE.match(item) for item in items]
        if any(ref is None for ref in refs):
            return None  # a citation, or a bracket that mixes one in: not ours
        parsed = [(r.group(1) == "-", r.group(2), r.group(3)) for r in refs if r is not None]
        if not written.startswith("[") and len(parsed) == 1:
            suppress, kind, name = parsed[0]
            return self._group([(kind, name)], suppress)
        out: list[str | etree._Element] = []
        groups: list[tuple[bool, list[tuple[str, str]]]] = []
        for suppress, kind, name in parsed:
            if (
                groups
                and groups[-1][0] == suppress
                and groups[-1][1][-1][0].lower() == kind.lower()
            ):
                groups[-1][1].append((kind, name))
            else:
                groups.append((suppress, [(kind, name)]))
        for n, (suppress, members) in enumerate(groups):
            if n:
                out.append("; ")
            out += self._group(members, suppress)
        return out

    def _group(self, members: list[tuple[str, str]], suppress: bool) -> list[str | etree._Element]:
        """Return "Figures 1 and 2" for references of one kind (or "1 and 2" suppressed)."""
        links: list[str | etree._Element] = []
        found: list[Entry] = []
        for n, (kind, name) in enumerate(members):
            if n:
                links.append(", " if n < len(members) - 1 else f" {self.words['and']} ")
            entry = self.entries.get(label_id(kind.lower(), name))
            if entry is None:
                self.missing(f"{kind}:{name}")
                links.append(_missing(f"{kind.lower()}:{name}"))
                continue
            found.append(entry)
            links.append(self._link(entry, kind, name))
        if suppress or not found:
            return links
        first = found[0]
        if first.kind == "chapter" or (first.kind == "sec" and not first.number):
            return links  # the link says "Chapter 2" or the title itself
        key = f"ref-{members[0][0].lower()}" + ("s" if len(members) > 1 else "")
        template = self.words[key]
        if "{n}" not in template:
            template += " {n}"
        before, _, after = template.partition("{n}")
        if members[0][0][0].isupper():
            before = capitalised(before)
        return [before, *links, after] if after else [before, *links]

    def _link(self, entry: Entry, kind: str, name: str) -> etree._Element:
        """Return the link to one target, its text the number (or a chapter's label)."""
        link = etree.Element("a", {"class": f"xref xref-{entry.kind}", "href": f"#{entry.id}"})
        link.set("data-page", self.words["page"])  # the PDF's ", p. 41" (crossref.css)
        if entry.kind == "chapter":
            link.text = entry.number or entry.title
        elif entry.kind == "eq":
            link.text = f"({entry.number})"
        else:
            link.text = entry.number or entry.title
        return link


def _missing(label: str) -> etree._Element:
    """Return the visible mark of a reference to a label nothing carries."""
    span = etree.Element("span", {"class": "xref-missing"})
    span.text = f"??{label}"
    return span
