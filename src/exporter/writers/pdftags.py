"""Finish WeasyPrint's structure tree: running heads become artifacts, column heads get a scope.

WeasyPrint 70 marks the text of every margin box (running heads, folios) as tagged content
with an MCID and builds structure elements for it, but links them to nothing: the content
is neither in the structure tree nor an artifact, which PDF/UA-1 forbids (ISO 14289-1 7.1:
content is either real content in the tree or an artifact), and which leaves ``/ParentTree``
pointing at elements outside the tree. Here that content becomes ``/Artifact`` marked
content and its ``/ParentTree`` entries ``null``: a screen reader skips the running head on
every page, as it should. A decorative image (``role="presentation"``, ``alt=""``), which
WeasyPrint tags as a ``/Figure`` without the ``/Alt`` that PDF/UA requires of a figure,
leaves the tree the same way and becomes an artifact too; it is found by its page and box,
which WeasyPrint writes as the figure's ``/BBox``. Header cells of a table's head row also
get ``/Scope /Column``
(WeasyPrint links data cells to them with ``/Headers``, which suffices; the scope says the
same to checkers and readers that only read the header cell).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pydyf

NULL = "null"  # pydyf writes a str as it is


def tidy(pdf: pydyf.PDF, pages: Sequence[Any] = ()) -> None:
    """Make running heads and decorative images artifacts; scope a table head's cells.

    ``pages``: WeasyPrint's laid-out pages of the PDF, where decorative images are found.
    """
    root = _deref(pdf, pdf.catalog.get("StructTreeRoot"))
    if not isinstance(root, pydyf.Dictionary):
        return  # an untagged PDF
    _detach_decorative(pdf, _decorative_boxes(pages))
    reached = _reach(pdf, root)
    orphans = {
        obj.number: obj
        for obj in pdf.objects
        if isinstance(obj, pydyf.Dictionary)
        and obj.get("Type") == "/StructElem"
        and obj.number not in reached
    }
    if orphans:
        _make_artifacts(pdf, orphans)
        _drop_from_parent_tree(pdf, root, {_ref(n) for n in orphans})
    for number in reached:
        _scope_column_head(pdf, pdf.objects[number])


def _decorative_boxes(pages: Sequence[Any]) -> set[tuple[int, tuple[float, ...]]]:
    """Return (page index, box) of each image marked decorative, as WeasyPrint tags it."""
    found = set()
    for index, page in enumerate(pages):
        for box in page._page_box.descendants():
            if box.element_tag == "img" and box.element.get("role") == "presentation":
                x, y = box.content_box_x(), box.content_box_y()
                found.add((index, _rounded((x, y, x + box.width, y + box.height))))
    return found


def _detach_decorative(pdf: pydyf.PDF, boxes: set[tuple[int, tuple[float, ...]]]) -> None:
    """Take the figures of decorative images out of their parents (so out of the tree)."""
    if not boxes:
        return
    pages = {_number(ref): i for i, ref in enumerate(pdf.page_references)}
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary) or obj.get("S") != "/Figure" or "Alt" in obj:
            continue
        attributes = obj.get("A")
        bbox = attributes.get("BBox") if isinstance(attributes, pydyf.Dictionary) else None
        page = pages.get(_number(obj.get("Pg")))
        if bbox is None or (page, _rounded(tuple(bbox))) not in boxes:
            continue
        parent = _deref(pdf, obj.get("P"))
        if isinstance(parent, pydyf.Dictionary) and isinstance(parent.get("K"), pydyf.Array):
            parent["K"][:] = [k for k in parent["K"] if k != obj.reference]


def _rounded(values: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(float(v), 2) for v in values)


def _reach(pdf: pydyf.PDF, root: pydyf.Dictionary) -> set[int]:
    """Return the object numbers of the structure elements reachable from the root."""
    reached: set[int] = set()
    pending = list(_kids(root))
    while pending:
        obj = _deref(pdf, pending.pop())
        if not isinstance(obj, pydyf.Dictionary) or obj.number in reached:
            continue
        if obj.get("Type") != "/StructElem":
            continue  # object references of annotations
        reached.add(obj.number)
        pending.extend(_kids(obj))
    return reached


def _make_artifacts(pdf: pydyf.PDF, orphans: dict[int, pydyf.Dictionary]) -> None:
    """Rewrite the orphans' marked content (``/Span <</MCID n>> BDC``) as ``/Artifact BMC``."""
    by_page: dict[int, set[int]] = {}
    for element in orphans.values():
        page = _number(element.get("Pg"))
        mcids = {k for k in _kids(element) if isinstance(k, int)}
        if page is not None and mcids:
            by_page.setdefault(page, set()).update(mcids)
    for page_number, mcids in by_page.items():
        stream = _deref(pdf, pdf.objects[page_number].get("Contents"))
        if not isinstance(stream, pydyf.Stream):
            continue
        ops, i = stream.stream, 0
        while i < len(ops) - 2:
            props = ops[i + 1]
            if (
                ops[i + 2] == b"BDC"
                and isinstance(props, pydyf.Dictionary)
                and props.get("MCID") in mcids
            ):
                ops[i : i + 3] = ["/Artifact", b"BMC"]
            i += 1


def _drop_from_parent_tree(pdf: pydyf.PDF, root: pydyf.Dictionary, refs: set[bytes]) -> None:
    """Set the ``/ParentTree`` entries of the orphans' content to null."""
    tree = _deref(pdf, root.get("ParentTree"))
    nums = tree.get("Nums", ()) if isinstance(tree, pydyf.Dictionary) else ()
    for entry in nums:
        if isinstance(entry, pydyf.Array):
            entry[:] = [NULL if _ref_bytes(e) in refs else e for e in entry]


def _scope_column_head(pdf: pydyf.PDF, element: object) -> None:
    """Give a header cell in a table's head (THead) the scope Column."""
    if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/TH":
        return
    row = _deref(pdf, element.get("P"))
    head = _deref(pdf, row.get("P")) if isinstance(row, pydyf.Dictionary) else None
    attributes = element.get("A")
    if (
        isinstance(head, pydyf.Dictionary)
        and head.get("S") == "/THead"
        and isinstance(attributes, pydyf.Dictionary)
        and "Scope" not in attributes
    ):
        attributes["Scope"] = "/Column"


def _kids(element: pydyf.Dictionary) -> list[object]:
    kids = element.get("K")
    return list(kids) if isinstance(kids, (pydyf.Array, list)) else [kids] if kids else []


def _ref(number: int) -> bytes:
    return f"{number} 0 R".encode()


def _ref_bytes(value: object) -> bytes | None:
    return value if isinstance(value, bytes) else None


def _number(value: object) -> int | None:
    if isinstance(value, bytes) and value.endswith(b" 0 R"):
        return int(value.split()[0])
    return None


def _deref(pdf: pydyf.PDF, value: object) -> object:
    """Return the object a reference (``b"12 0 R"``) names, or the value itself."""
    number = _number(value)
    return pdf.objects[number] if number is not None and 0 < number < len(pdf.objects) else value
