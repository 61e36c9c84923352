"""Format citations and the reference list with a CSL style (citeproc-py, imported here only).

Each cited item is rendered on its own, so that each can link to its entry, and the
style's own opening, delimiter and closing ("(", "; ", ")") are put around them here, in the
order the author wrote them (citeproc-py would sort them). citeproc-py knows neither
pandoc's ``[-@key]`` (suppress the author) nor ``@key says`` (author in the text): both come
from a second rendering in which each author list is a placeholder, whose position shows
where the author part of the real rendering ends.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporter.citations.fixes import drop_repeated_title, page_range, sorted_by_text
from exporter.citations.library import read_file
from exporter.errors import SourceError

DEFAULT_STYLE = Path(__file__).parent / "data" / "chicago-author-date.csl"
_MARK = "\ue000"  # a private-use character: stands for an author list in the shadow rendering
_OTHERS = "\ue0ff"  # stands for BibTeX's "and others" until it is printed as "et al."
_NAME_VARIABLES = ("author", "editor", "translator")
# Locales that put a period or comma inside closing quotation marks (CSL's
# punctuation-in-quote, which citeproc-py 0.11 does not apply).
_PUNCTUATION_IN_QUOTE = ("en-US", "en")


@dataclass(frozen=True)
class Cite:
    """One cited item as written: ``[see @key, p. 33]`` or ``@key says`` or ``[-@key]``."""

    key: str
    prefix: str = ""
    suffix: str = ""
    locator: str = ""
    label: str = "page"
    mode: str = "normal"  # "normal", "suppress-author" or "author-in-text"


class Formatter:
    """A CSL style and a bibliography, ready to format citations and the reference list."""

    def __init__(self, items: list[dict[str, Any]], style_path: Path | None, lang: str) -> None:
        from citeproc import CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        path = style_path or DEFAULT_STYLE
        # Read here, not by citeproc-py: the batch's state then covers the style (a changed
        # one rebuilds), and a missing file is said as such, not as an unknown style name.
        text = (
            DEFAULT_STYLE.read_text("utf-8")
            if path == DEFAULT_STYLE
            else read_file(path, "CSL style")
        )
        self.locale = lang if "-" in lang else {"en": "en-US"}.get(lang, lang)
        self.style, shadow_style = (_load_style(path, text, self.locale) for _ in range(2))
        layout = self.style.root.citation.layout
        self.opening = layout.get("prefix", "")
        self.closing = layout.get("suffix", "")
        self.delimiter = layout.get("delimiter", "; ")
        citation = self.style.root.citation
        # collapse="year": (Doe 2001a, 2001b) for works of one author cited together.
        self.collapses = citation.get("collapse", "").startswith("year")
        self.group_delimiter = citation.get("cite-group-delimiter", ", ")
        for style in (self.style, shadow_style):  # "(", "; ", ")" go around the items here
            for name in ("prefix", "suffix"):
                style.root.citation.layout.attrib.pop(name, None)
        self.keys = {str(item["id"]).lower(): str(item["id"]) for item in items}
        self._names = {str(item["id"]).lower(): _name_list(item) for item in items}
        self._years = {str(item["id"]).lower(): _year(item) for item in items}
        self._ready = False
        self._citation_cls = _citation_classes()
        self.bib = CitationStylesBibliography(
            self.style, CiteProcJSON(_lowered(items)), formatter.html
        )
        self.shadow = CitationStylesBibliography(
            shadow_style, CiteProcJSON(_shadowed(_lowered(items))), formatter.html
        )
        self._registered: list[tuple[Any, Any]] = []

    def register(self, cite: Cite) -> int:
        """Register a cite in reading order (for disambiguation); return its handle."""
        citation_cls, item_cls, locator_cls = self._citation_cls
        args: dict[str, Any] = {}
        if cite.locator:
            locator = cite.locator
            if cite.label == "page":  # the style's page ranges, as for an entry's pages
                locator = page_range(locator, self.style.root.get("page-range-format", ""))
            args["locator"] = locator_cls(cite.label, locator)
        pair = []
        for bib in (self.bib, self.shadow):
            citation = citation_cls([item_cls(cite.key, **args)])
            bib.register(citation)
            pair.append(citation)
        self._registered.append((pair[0], pair[1]))
        return len(self._registered) - 1

    def render(self, handle: int, mode: str) -> str:
        """Return one registered cite's text (HTML) in a mode."""
        self._disambiguate()
        real, shadow = self._registered[handle]
        text = self._fix(self.bib.cite(real, _ignore))
        if mode == "normal":
            return text
        shaded = self._fix(self.shadow.cite(shadow, _ignore))
        before, mark, after = shaded.partition(_MARK)
        if not mark or not text.startswith(before):
            return text  # no author list was printed: nothing to move or suppress
        cut = _author_end(text, before, after[1:])  # after the list's own placeholder
        author, rest = text[len(before) : cut].strip(" ,"), text[cut:].lstrip(" ,")
        if mode == "suppress-author":
            return (before + rest).strip()
        return f"{author} ({rest})" if rest else author

    def same_author(self, first: str, second: str) -> bool:
        """Tell whether two cited keys have one author list (their cites may collapse)."""
        names = self._names.get(first.lower(), "")
        return bool(names) and names == self._names.get(second.lower())

    def references(self) -> list[tuple[str, str]]:
        """Return the reference list as (key as written, entry HTML), in the style's order."""
        if self.style.root.bibliography is None:
            return []  # a style without a reference list (some note styles)
        self._disambiguate()
        self.bib.sort()
        rendered = [self._fix(str(entry)) for entry in self.bib.bibliography()]
        keys = [item.key for item in self.bib.items]
        rendered = [
            r if self._names[k] else drop_repeated_title(r)
            for k, r in zip(keys, rendered, strict=False)
        ]
        sort = self.style.root.bibliography.find("{http://purl.org/net/xbiblio/csl}sort")
        first = sort[0] if sort is not None and len(sort) else None
        if first is not None and first.get("macro"):  # sorted by author: not by number
            keys, rendered = sorted_by_text(keys, rendered)
        substitute = self.style.root.bibliography.get("subsequent-author-substitute")
        if substitute is not None:
            rendered = self._substitute(keys, rendered, substitute)
        return [(self.keys.get(k, k), text) for k, text in zip(keys, rendered, strict=False)]

    def _substitute(self, keys: list[str], rendered: list[str], substitute: str) -> list[str]:
        """Put the style's "———" for an author list that repeats the entry before's."""
        shadows = {item.key: item for item in self.shadow.items}
        for index in range(1, min(len(keys), len(rendered))):
            key, text = keys[index], rendered[index]
            if not self._names[key] or self._names[key] != self._names[keys[index - 1]]:
                continue
            shaded = self._fix(str(self.shadow.style.render_bibliography([shadows[key]])[0]))
            before, mark, after = shaded.partition(_MARK)
            after = after[1:]
            if mark and text.startswith(before) and text.endswith(after):
                rendered[index] = before + substitute + after
        return rendered

    def _disambiguate(self) -> None:
        """Give same-author, same-year works their year suffixes (1984a, 1984b), once.

        citeproc-py 0.11 does not: the letters follow the reference list's order, as
        pandoc's do, and both renderings get them.
        """
        if self._ready:
            return
        self._ready = True
        if self.style.root.citation.get("disambiguate-add-year-suffix") != "true":
            return
        self.bib.sort()
        groups: dict[tuple[str, str], list[str]] = {}
        for item in self.bib.items:
            if self._names[item.key]:
                groups.setdefault((self._names[item.key], self._years[item.key]), []).append(
                    item.key
                )
        for keys in groups.values():
            if len(keys) < 2:
                continue
            for number, key in enumerate(keys):
                for bib in (self.bib, self.shadow):
                    bib.source[key]["year_suffix"] = bib.source.parse_string(_letters(number))

    def _fix(self, text: str) -> str:
        """Apply what citeproc-py leaves out: punctuation inside quotes for US English, and
        an escaped ``&`` (it passes "Hartley & Marks" through as it is, which is not XHTML)."""
        text = re.sub(r"&(?!#?\w+;)", "&amp;", str(text))
        text = re.sub(r",?\s+(?:\w+|&amp;)\s+" + _OTHERS + r"|,\s*" + _OTHERS, " et al.", str(text))
        if self.locale in _PUNCTUATION_IN_QUOTE or self.locale.startswith("en-US"):
            text = re.sub(r"”([.,])", r"\1”", text)
        return text.replace("..", ".")


def _name_list(item: dict[str, Any]) -> str:
    """Return the item's first name list (author, else editor...) as comparable text."""
    for variable in _NAME_VARIABLES:
        if item.get(variable):
            return repr(item[variable])
    return ""


def _year(item: dict[str, Any]) -> str:
    """Return the item's year (or its literal date), for year-suffix disambiguation."""
    issued = item.get("issued") or {}
    if not isinstance(issued, dict):
        return str(issued)
    parts = issued.get("date-parts") or [[]]
    return str(parts[0][0]) if parts and parts[0] else str(issued.get("literal", ""))


def _letters(number: int) -> str:
    """Return a year suffix: 0 -> a, 25 -> z, 26 -> aa."""
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def _author_end(text: str, before: str, after: str) -> int:
    """Return where the author part of ``text`` ends, knowing the shadow's text after it."""
    tail = after
    while tail and not text.endswith(tail):
        tail = tail[1:]  # a year suffix ("2001a") makes the real text longer than the shadow
    if not tail:
        return len(text)
    end = len(text) - len(tail)
    match = re.search(r"\s+\S*$", text[len(before) : end])
    if tail == after or match is None:
        return end
    return len(before) + match.start()


def _load_style(path: Path, text: str, locale: str) -> Any:
    """Load a CSL style (``path``'s ``text``) in a locale, failing with a message that names
    the file."""
    from citeproc import CitationStylesStyle

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = io.BytesIO(text.encode("utf-8"))
            style = CitationStylesStyle(source, locale=locale, validate=False)
    except Exception as exc:  # citeproc-py raises bare ValueErrors, lxml its own
        why = "its root element is not a CSL <style>" if isinstance(exc, AttributeError) else exc
        raise SourceError(
            f"{path}: not a CSL style citeproc-py can use ({why}). "
            "Give a .csl file from the CSL styles repository."
        ) from None
    if style.root.citation is None:
        raise SourceError(f"{path}: a CSL style without a <citation> element; give another.")
    return style


def _citation_classes() -> tuple[Any, Any, Any]:
    """Return citeproc-py's Citation, CitationItem and Locator classes."""
    from citeproc import Citation, CitationItem, Locator

    return Citation, CitationItem, Locator


def _ignore(item: Any) -> str:
    """Leave an unknown key to the caller (which warns naming the file and line)."""
    return ""


def _lowered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return items without the fields citeproc-py 0.11 mishandles, "others" marked."""
    fixed = []
    for item in items:
        item = {k: v for k, v in item.items() if k not in ("abstract", "note")}
        for variable in _NAME_VARIABLES:
            if isinstance(item.get(variable), list):
                item[variable] = [
                    {"literal": _OTHERS} if n == {"literal": "others"} else n
                    for n in item[variable]
                ]
        fixed.append(item)
    return fixed


def _shadowed(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return items whose first author list is a placeholder, one per distinct list."""
    placeholders: dict[str, str] = {}
    shadowed = []
    for item in items:
        item = dict(item)
        for variable in _NAME_VARIABLES:
            if item.get(variable):
                names = repr(item[variable])
                mark = placeholders.setdefault(names, _MARK + chr(0xE100 + len(placeholders)))
                item[variable] = [{"literal": mark}]
                break
        shadowed.append(item)
    return shadowed
