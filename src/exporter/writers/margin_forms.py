"""Each page's margin boxes kept as a form XObject of its own, so that they can be swapped.

A piece is written with its body pages followed by margin-only copies of them, in one
``write_pdf`` (``pdf_units.lay_out``, ``pdf_margins.split``): one subset per font for both.
``fold`` draws each margin-only page's content after its body page's (inline: what a reader
sees and what assembly copies) and keeps it as a form XObject under the page's
``/ExporterMargins`` key, which nothing draws; then drops the margin pages. ``swap`` puts
the margins of margin-only pages made later (``pdf_units.remargin``: new folios, same body)
in place of the inline ones, known by their bytes. Assembly drops the kept forms
(``drop_kept``): drawn with ``Do``, each cost ~300 bytes (an object of its own, compressed
apart: 7% of the bench book), and drawing them inline at assembly cost it time.

Running heads and folios are artifacts (ISO 32000-1, 14.8.2.2): the form's marked content
(WeasyPrint tags it with MCIDs of structure elements it leaves out of the tree) becomes one
``/Artifact`` sequence, and the margin pages' entries leave the ``/ParentTree``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import pikepdf

from exporter.writers import cidfonts

# Operators that paint: a margin page without them (a blank page's) gets no form.
_PAINT = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "BI"}


KEPT = pikepdf.Name("/ExporterMargins")  # a page's margins as a form, drawn by nothing
_DRAW = re.compile(rb"q (/ExporterMargins\d+) Do Q\n")


def fold(data: bytes) -> bytes:
    """Return the PDF with its second half of pages drawn on (and kept with) the first."""
    pdf = pikepdf.open(io.BytesIO(data))
    count = len(pdf.pages) // 2
    tagged = "/StructTreeRoot" in pdf.Root
    for index in range(count):
        body, margins = pdf.pages[index], pdf.pages[count + index]
        form = _form(pdf, margins, tagged)
        if form is None:
            continue
        # The body's content leaves its y-axis flip in place: the margins start from the
        # page's own space, as the margin page's content did. One stream still (a stream
        # is an object of its own, out of the object streams: ~70 bytes each).
        body.contents_coalesce()
        content = body.obj.Contents
        content.write(b"q\n" + content.read_bytes() + b"\nQ\n" + _drawing(form.read_bytes()))
        body.obj[KEPT] = form
    if tagged:
        _drop_keys(pdf, {int(page.obj.get("/StructParents", -1)) for page in pdf.pages[count:]})
    del pdf.pages[count:]
    return _save(pdf)


def _drawing(content: bytes) -> bytes:
    return b"q\n" + content + b"\nQ\n"


def forms(data: bytes, tagged: bool) -> tuple[pikepdf.Pdf, list[pikepdf.Object | None]]:
    """Return a margin-only PDF and each of its pages as a form, None where it paints
    nothing (keep the PDF while the forms are used: they are its objects)."""
    pdf = pikepdf.open(io.BytesIO(data))
    return pdf, [_form(pdf, page, tagged) for page in pdf.pages]


def swap(data: bytes, new: Sequence[pikepdf.Object | None]) -> bytes:
    """Return the folded PDF ``data`` with its pages' margins replaced by ``new``
    (from ``forms``: they draw with the resources of the margin-only PDF).

    When the piece's own resources hold all those (the same fonts with every glyph the new
    margins show, the same graphics states), the new margins are drawn inline with the
    piece's: it keeps one subset of each font. Otherwise they are drawn as forms with the
    margin-only PDF's fonts (assembly merges the subsets of a font; merged here, the
    program would no longer be other pieces' subsets glyph for glyph, and be kept apart).
    """
    pdf = pikepdf.open(io.BytesIO(data))
    if len(pdf.pages) != len(new):
        raise ValueError("a piece and its new margins differ in pages")
    own = pdf.pages[0].obj.Resources
    drawing = [form for form in new if form is not None]
    adopt = bool(drawing) and _covers(own, drawing[0].Resources)
    for index, (page, form) in enumerate(zip(pdf.pages, new, strict=True)):
        old = page.obj.get(KEPT)
        if (form is None) != (old is None):
            raise ValueError(f"page {index + 1} had margins and has none now, or the reverse")
        if form is None or old is None:
            continue
        content = page.obj.Contents
        data = content.read_bytes()
        drawn = _DRAW.search(data[-40:])
        ending = _drawing(old.read_bytes()) if drawn is None else drawn.group(0)
        if not data.endswith(ending):
            raise ValueError(f"page {index + 1} does not end with its margins")
        if drawn is not None:  # margins drawn as a form last time: no longer
            del own.XObject[drawn.group(1).decode()]
        if adopt:
            copied = pdf.make_stream(form.read_bytes())
            copied.Subtype, copied.BBox = pikepdf.Name.Form, pikepdf.Array(form.BBox)
            copied.Resources = own
            page.obj[KEPT] = pdf.make_indirect(copied)
            margins = _drawing(copied.read_bytes())
        else:
            page.obj[KEPT] = pdf.copy_foreign(form)
            if "/XObject" not in own:
                own.XObject = pikepdf.Dictionary()
            own.XObject[f"/ExporterMargins{index}"] = page.obj[KEPT]
            margins = f"q /ExporterMargins{index} Do Q\n".encode()
        content.write(data[: len(data) - len(ending)] + margins)
    return _save(pdf)


def drop_kept(pdf: pikepdf.Pdf) -> None:
    """Remove the kept forms from the pages (before they are copied into a book)."""
    for page in pdf.pages:
        if KEPT in page.obj:
            del page.obj[KEPT]


def _covers(own: pikepdf.Object, theirs: pikepdf.Object) -> bool:
    """Tell whether resources ``own`` hold all of ``theirs`` under the same names."""
    for kind, entries in theirs.items():
        mine = own.get(kind)
        if kind == "/ProcSet":
            continue
        if kind not in ("/Font", "/ExtGState", "/ColorSpace") or mine is None:
            return False
        for name, theirs_entry in entries.items():
            if name not in mine:
                return False
            if kind == "/Font":
                if not _font_covers(mine[name], theirs_entry):
                    return False
            elif mine[name].unparse(resolved=True) != theirs_entry.unparse(resolved=True):
                return False
    return True


def _font_covers(mine: pikepdf.Object, theirs: pikepdf.Object) -> bool:
    """Tell whether subset ``mine`` of a font holds every glyph of ``theirs``, read alike."""
    if mine.get("/BaseFont") != theirs.get("/BaseFont"):
        return False
    if mine.get("/Subtype") != pikepdf.Name.Type0 or theirs.get("/Subtype") != pikepdf.Name.Type0:
        return False
    widths, wanted = cidfonts.widths(mine), cidfonts.widths(theirs)
    texts, read = cidfonts.to_unicode(mine), cidfonts.to_unicode(theirs)
    if texts is None or read is None:
        return False
    return all(widths.get(cid) == width for cid, width in wanted.items()) and all(
        texts.get(cid) == text for cid, text in read.items()
    )


def _form(pdf: pikepdf.Pdf, page: pikepdf.Page, tagged: bool) -> pikepdf.Object | None:
    """Return the page's content as a form drawn in the same space, an artifact if tagged;
    None when it paints nothing."""
    operators = []
    for instruction in pikepdf.parse_content_stream(page):
        if str(instruction.operator) in ("BDC", "BMC", "EMC"):
            continue  # marks of structure elements left out of the tree
        operators.append(instruction)
    if not any(str(instruction.operator) in _PAINT for instruction in operators):
        return None
    content = pikepdf.unparse_content_stream(operators)
    if tagged:
        content = b"/Artifact BMC\n" + content + b"\nEMC"
    form = pdf.make_stream(content)
    form.Subtype = pikepdf.Name.Form  # no /Type (optional): a stream is ~300 bytes a page
    form.BBox = page.mediabox
    form.Resources = page.obj.Resources  # WeasyPrint's pages share one dictionary
    return pdf.make_indirect(form)


def _drop_keys(pdf: pikepdf.Pdf, keys: set[int]) -> None:
    """Remove the ``/ParentTree`` entries of the given structure keys (flat ``/Nums``)."""
    tree = pdf.Root.StructTreeRoot.ParentTree
    nums = tree.Nums
    kept: list[object] = []
    for index in range(0, len(nums), 2):
        if int(nums[index]) not in keys:
            kept += [nums[index], nums[index + 1]]
    tree.Nums = pikepdf.Array(kept)


def _save(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()
