"""Two shortcuts in ziamath's layout, for the same drawings at a fraction of the cost.

Pinned to the ziamath releases they were checked against (``CHECKED``); with any other
release nothing is changed. tests/unit/test_math_lean.py draws a set of formulas with and
without them and requires the same SVG, byte for byte.

- ``Mrow._get_height_nostretch`` lays a row's children out once more, in "no stretch" mode,
  to learn how tall its stretchy operators (``\\left(``, ``\\sum``) must be; every row
  inside that pass measures its own children again, and each row is built twice (measured,
  then laid out), so a formula nested d rows deep measured its innermost rows 2^d times.
  A measure depends on the row's markup, the options handed down, its style and size: it
  is kept under those (for one formula at a time) and made once. Skipping the measure
  inside a measure instead changes drawings (a fence's superscript sits by the fence's
  size): the test has such a formula.
  A row with no operator that could stretch anywhere below it needs no measure at all,
  since only a stretchy ``<mo>`` reads it: most rows of a book's formulas (``x^2 + 1``,
  ``\\frac{a}{b}``) skip it.
- ``styles.parse_style`` turns the parent's style into a dict with ``dataclasses.asdict``
  (a deep copy) only to look up its scalar fields: a shallow copy gives the same lookups.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

CHECKED = ("0.13",)
_saved: dict[str, Any] = {}  # what ``apply`` replaced, for ``undo``
_MEASURED: dict[tuple[Any, ...], tuple[float, float]] = {}  # one formula's row measures


def apply() -> None:
    """Install both shortcuts once, if this ziamath is one they were checked against; call
    it before each formula (the row measures kept are one formula's)."""
    _MEASURED.clear()
    import ziamath
    from ziamath import styles
    from ziamath.nodes import mrow

    if _saved or getattr(ziamath, "__version__", None) not in CHECKED:
        return
    measure = mrow.Mrow._get_height_nostretch
    _saved.update(measure=measure, asdict=styles.asdict)

    def lean_measure(self: Any, line: Any, **kwargs: Any) -> tuple[float, float]:
        if not any(_may_stretch(el) for child in line for el in child.iter()):
            return 0.0, 0.0  # read by nothing below: no stretchy operator to size
        key = (
            tuple(ElementTree.tostring(child) for child in line),
            repr(sorted(kwargs.items())),
            repr(self.style),
            getattr(self, "glyphsize", None),
            getattr(self, "size", None),
        )
        found = _MEASURED.get(key)
        if found is None:
            found = _MEASURED[key] = measure(self, line, **kwargs)
        return found

    mrow.Mrow._get_height_nostretch = lean_measure  # type: ignore[method-assign]
    styles.asdict = lambda style: dict(vars(style))  # type: ignore[assignment]


def _may_stretch(el: ElementTree.Element) -> bool:
    """Tell whether ``el`` may be laid out as a stretchy operator (sized by its row).

    As ziamath decides (``Moperator``): its ``stretchy`` attribute, else the operator
    dictionary's entry in any form (the form is inferred later); an ``<mi>`` that names an
    operator is turned into an ``<mo>`` by its row.
    """
    from ziamath import operators

    tag = str(el.tag).rsplit("}", 1)[-1]
    text = (el.text or "").strip()
    if tag != "mo" and not (tag == "mi" and text in operators.names):
        return False
    if "stretchy" in el.attrib:
        return el.attrib["stretchy"] != "false"
    return any(
        operators.get_params(text, form).get("stretchy", "false") != "false"
        for form in ("prefix", "infix", "postfix")
    )


def undo() -> None:
    """Put back what ``apply`` replaced (a test draws with and without the shortcuts)."""
    from ziamath import styles
    from ziamath.nodes import mrow

    if _saved:
        mrow.Mrow._get_height_nostretch = _saved.pop("measure")  # type: ignore[method-assign]
        styles.asdict = _saved.pop("asdict")
