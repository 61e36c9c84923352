"""The MkDocs / Material dialect: pymdown-extensions, and one shape for notes and tabs.

Extensions are chosen per text: each is loaded only when the text holds what it reacts to
(``!!!``, ``===``, ``~``, ``://`` ...). Without any, it would change nothing, and leaving it out
saves its work on every block or text node, and the import of ``pymdownx.util``, which pulls
in ``urllib.request`` (about 60 ms in a fresh process, more than reading a chapter).

Admonitions (``!!!``, ``///``), collapsibles (``???``, ``/// details``) and GitHub alerts
(``> [!NOTE]``) all become ``<aside class="admonition KIND" role="note">`` with an optional
``<p class="admonition-title">``; a collapsible adds the class ``collapsible`` and is shown
open: print has no way to open it. Content tabs become ``<div class="tabbed-set">`` holding one
``<div class="tabbed-block">`` per tab, its label first as ``<p class="tabbed-title">``, so
every tab is read one after another (the radio buttons and labels of the web page are gone).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionExtension
from markdown.treeprocessors import Treeprocessor

from exporter.readers.mkdocs_options import Configured, options

# What each optional extension needs somewhere in the text to have any work to do. Plain
# substring tests: a regular expression per extension took 0.2 ms a chapter, these 0.01.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "admonition": ("!!!",),
    "details": ("???",),
    "tabbed": ("===",),
    "blocks": ("///",),
    "tasklist": ("[ ]", "[x]", "[X]"),
    "tilde": ("~",),
    "mark": ("==",),
    "caret": ("^",),  # but see features(): not for footnote references alone
    "magiclink": ("://", "www.", "WWW.", "Www.", "@"),
    "alerts": ("[!",),
}
ALL = frozenset(TRIGGERS)
# A bare URL or e-mail address, loosely: the link of a Markdown link ("](http"), an autolink
# ("<http") and an HTML attribute ('="http') are not one, and are common in any book.
_BARE = re.compile(
    r"""(?<!\]\()(?<!<)(?<!=")(?<!=')(?:(?:ht|f)tps?://|www\.)|[-+\w.]@[-\w]+\.[a-z]""", re.I
)
_ALERT = re.compile(r"\A[ \t]*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|\Z)", re.I)


def features(text: str) -> frozenset[str]:
    """Return the optional syntaxes ``text`` may use (a superset: a trigger is enough)."""
    found = {name for name, needles in TRIGGERS.items() if any(n in text for n in needles)}
    if "caret" in found and text.count("^") == text.count("[^"):
        found.remove("caret")  # only footnote references
    if "magiclink" in found and not _BARE.search(text):
        found.remove("magiclink")
    return frozenset(found)


def extensions(wanted: frozenset[str], configured: Configured = ()) -> list[Extension]:
    """Return fresh instances of the pymdown-extensions ``wanted`` asks for, and the shaper.

    ``configured`` is a project's extension list: the options it gives these are honoured.
    """
    found: list[Extension] = []
    if "admonition" in wanted:
        found.append(AdmonitionExtension())
    if "details" in wanted:
        from pymdownx.details import DetailsExtension

        found.append(DetailsExtension())
    if "tabbed" in wanted:
        from pymdownx.tabbed import TabbedExtension

        found.append(TabbedExtension(alternate_style=True))
    if "blocks" in wanted:
        from pymdownx.blocks.admonition import AdmonitionExtension as BlockAdmonitions
        from pymdownx.blocks.details import DetailsExtension as BlockDetails

        found += [BlockAdmonitions(), BlockDetails()]
    if "tasklist" in wanted:
        from pymdownx.tasklist import TasklistExtension

        found.append(TasklistExtension())
    if "tilde" in wanted:
        from pymdownx.tilde import DeleteSubExtension

        found.append(DeleteSubExtension(**options(configured, "pymdownx.tilde")))
    if "mark" in wanted:
        from pymdownx.mark import MarkExtension

        found.append(MarkExtension(**options(configured, "pymdownx.mark")))
    if "caret" in wanted:
        from pymdownx.caret import InsertSupExtension

        found.append(InsertSupExtension(**options(configured, "pymdownx.caret")))
    if "magiclink" in wanted:
        from pymdownx.magiclink import MagiclinkExtension

        found.append(MagiclinkExtension(**options(configured, "pymdownx.magiclink")))
    found.append(ShapesExtension(alerts="alerts" in wanted))
    return found


def _classes(el: ET.Element) -> list[str]:
    return (el.get("class") or "").split()


def _as_note(el: ET.Element, kind: str, title: ET.Element | None, collapsible: bool) -> None:
    """Turn ``el`` (in place, so that other processors' references stay good) into the aside."""
    attrib = {
        "class": f"admonition {kind}" + (" collapsible" if collapsible else ""),
        "role": "note",
    }
    el.tag = "aside"
    el.attrib.clear()
    el.attrib.update(attrib)
    if title is not None:
        title.tag = "p"
        title.attrib.clear()
        title.set("class", "admonition-title")


def _kind(classes: list[str], default: str = "note") -> str:
    for name in classes:
        if name not in ("admonition", "inline", "end", "collapsible"):
            return name.lower()
    return default


class _Shapes(Treeprocessor):
    """Give admonitions, collapsibles, alerts and tabs the publication's one shape each."""

    def __init__(self, md: Markdown, alerts: bool) -> None:
        super().__init__(md)
        self.alerts = alerts

    def run(self, root: ET.Element) -> None:
        for el in list(root.iter()):
            if el.tag == "div" and "admonition" in _classes(el):
                first = el[0] if len(el) else None
                is_title = first is not None and "admonition-title" in _classes(first)
                _as_note(el, _kind(_classes(el)), first if is_title else None, False)
            elif el.tag == "details":
                summary = el.find("summary")
                _as_note(el, _kind(_classes(el)), summary, True)
            elif el.tag == "div" and "tabbed-set" in _classes(el):
                self._tabs(el)
            elif self.alerts and el.tag == "blockquote":
                self._alert(el)

    @staticmethod
    def _tabs(el: ET.Element) -> None:
        labels = el.find("div[@class='tabbed-labels']")
        content = el.find("div[@class='tabbed-content']")
        if labels is None or content is None:
            return
        blocks = list(content)
        for label, block in zip(labels.findall("label"), blocks, strict=False):
            title = ET.Element("p", {"class": "tabbed-title"})
            title.text = label.text
            title.extend(label)
            block.insert(0, title)
        el.attrib.clear()
        el.set("class", "tabbed-set")
        for child in list(el):
            el.remove(child)
        el.extend(blocks)

    @staticmethod
    def _alert(el: ET.Element) -> None:
        first = el[0] if len(el) else None
        if first is None or first.tag != "p" or not first.text:
            return
        match = _ALERT.match(first.text)
        if not match:
            return
        kind = match.group(1).lower()
        rest = first.text[match.end() :]
        if rest.strip() or len(first):
            first.text = rest
        else:
            el.remove(first)
        title = ET.Element("p", {"class": "admonition-title"})
        title.text = kind.capitalize()
        el.insert(0, title)
        _as_note(el, kind, title, False)


class ShapesExtension(Extension):
    """Register the shaper after the block parser, before the inline patterns (at 20)."""

    def __init__(self, alerts: bool = True) -> None:
        super().__init__()
        self.alerts = alerts

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_Shapes(md, self.alerts), "exporter-shapes", 30)
