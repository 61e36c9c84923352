"""Sanitize a source's HTML with an allow-list (nh3): only inert, semantic markup survives.

Raw HTML in Markdown and whole HTML sources are untrusted: scripts, event handlers,
``javascript:`` URLs, ``<base>``, ``<link>``, ``<style>``, iframes, objects, embeds and forms
never reach an output. Inline styles survive only as ``text-align`` on table cells, which
Python-Markdown writes for column alignment. Presentation MathML stays (``math/allow.py``).
Under ``--trusted-input`` every element keeps its ``style=`` attribute (inline CSS; the PDF
writer's fetchers still serve no other file), and nothing else of the list above comes back.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import nh3

from exporter.guard.policy import current
from exporter.math import allow as mathml

TAGS = {
    "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite",
    "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "input", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr",
} | mathml.TAGS  # fmt: skip
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "name"},  # name: an old anchor, made an id by reading.rawhtml
    "img": {"src", "alt", "width", "height", "role"},  # role="presentation": decorative
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
    **mathml.ATTRIBUTES,  # presentation MathML: no href, no annotation-xml (math/allow.py)
}
# Attributes allowed with these values only (nh3's tag_attribute_values): the admonition's
# aside is a note, and a task list's box is a checkbox, always disabled (FORCED), since
# nothing in a book can submit a form.
VALUES = {
    "aside": {"role": {"note"}},
    "input": {"type": {"checkbox"}, "checked": {"", "checked"}},
}
# A book shows what a <details> holds: in print nothing can open it.
FORCED = {"input": {"disabled": "disabled"}, "details": {"open": "open"}}
# A form field that is not a checkbox (nh3 left it without its type): dropped whole.
_OTHER_INPUT = re.compile(r'<input(?![^>]*\stype="checkbox")[^>]*>')
URL_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


def _attributes() -> dict[str, set[str]]:
    if current().trusted_input:
        return {**ATTRIBUTES, "*": ATTRIBUTES["*"] | {"style"}}
    return ATTRIBUTES


def removals(html: str) -> list[str]:
    """Name what sanitize() will take out of ``html`` (elements, attributes, URL schemes).

    nh3 does not say what it removed, so the raw HTML is read once more: a warning can then
    tell the author, and --strict can refuse the source.
    """
    if "<" not in html:
        return []
    attributes = _attributes()
    found: set[str] = set()
    allowed_for: dict[str, set[str]] = {}  # by tag, made once a call: a chapter has few kinds
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except lxml.etree.ParserError:  # only a doctype or comments: no element to name
        return []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el is not root and (el.tag not in TAGS or _is_other_input(el)):
            found.add(f"<{el.tag}>")
            continue
        allowed = allowed_for.get(el.tag)
        if allowed is None:
            allowed = attributes["*"] | attributes.get(el.tag, set()) | set(FORCED.get(el.tag, ()))
            allowed_for[el.tag] = allowed
        values = VALUES.get(el.tag, {})
        for name, value in el.attrib.items():
            if name.startswith("on"):
                found.add("event handlers (on...)")
            elif name in values:
                if value not in values[name]:
                    found.add(f'{name}="{value}"')
            elif name not in allowed and el is not root:
                found.add(f"{name}=")
            elif (
                name in ("href", "src")
                and (scheme := _SCHEME.match(value))
                and (scheme.group(1).lower() not in URL_SCHEMES)
            ):
                found.add(f"{scheme.group(1).lower()}: URLs")
    return sorted(found)


def _is_other_input(el: lxml.html.HtmlElement) -> bool:
    return el.tag == "input" and el.get("type") != "checkbox"


def sanitize(html: str) -> str:
    """Return ``html`` with everything outside the allow-list removed."""
    trusted = current().trusted_input
    attributes = _attributes()
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "textarea", "select"},
        attributes=attributes,
        tag_attribute_values=VALUES,
        set_tag_attribute_values=FORCED,
        link_rel=None,
        url_schemes=URL_SCHEMES,
        filter_style_properties=None if trusted else {"text-align"},
        strip_comments=True,
    )
    return _OTHER_INPUT.sub("", cleaned) if "<input" in cleaned else cleaned
