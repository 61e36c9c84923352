"""Join a book's PDF pieces into one PDF with pikepdf (qpdf).

The first piece gives the document catalog (``/Lang``, ``/MarkInfo``, the XMP metadata,
``/ViewerPreferences``, output intents); the pages of the others follow. Then what spans
pieces is made again for the whole:

- named destinations: every piece's own anchors, merged into one name tree; a link is a
  ``/Dest`` name, so a link to another piece (the printed contents) resolves by itself;
- the outline: each piece's bookmarks in order (a piece opens with level-1 headings);
- page labels: from the folios printed on all pages, as the whole-book writer makes them;
- the structure tree of a tagged PDF: each piece's top elements under the first piece's
  ``Document`` element, its pages' ``/StructParents`` and annotations' ``/StructParent``
  keys shifted past those of the pieces before, and one ``/ParentTree`` for all;
- the fonts: one subset of each font for the whole book (``exporter.incremental.fonts``),
  and one copy of an image that several pieces show.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

import pikepdf

from exporter.incremental.fonts import share_fonts
from exporter.incremental.resources import share_images
from exporter.writers import pagelabels
from exporter.writers.margin_forms import drop_kept
from exporter.writers.pdf_units import Bookmark, Piece

_PX = 0.75  # PDF points per CSS pixel


def assemble(pieces: Sequence[Piece], modified: str = "", stamp: str = "") -> bytes:
    """Return one PDF made of the pieces' pages, with the book's outline, links and tags.

    The pieces were laid out with the modification date ``stamp``; the book's is
    ``modified`` (both ISO 8601, UTC): it replaces the stamp in the metadata.
    """
    out = pikepdf.open(io.BytesIO(pieces[0].pdf))
    drop_kept(out)  # each piece's margins kept as forms, to be swapped: not for the book
    if modified and stamp:
        _redate(out, modified, stamp)
    dests: dict[str, pikepdf.Array] = {}
    _collect_dests(out, pieces[0], 0, out, dests)  # before its own names are dropped
    for key in ("/Outlines", "/PageLabels", "/Names"):
        if key in out.Root:
            del out.Root[key]
    tree = out.Root.get("/StructTreeRoot")
    nums: list[object] = list(tree.ParentTree.Nums) if tree is not None else []
    next_key = _next_key(nums)
    for piece in pieces[1:]:
        src = pikepdf.open(io.BytesIO(piece.pdf))
        drop_kept(src)
        offset = len(out.pages)
        with warnings.catch_warnings():
            # "does not preserve named destinations": they are merged below, on purpose.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(src.pages)
        _collect_dests(src, piece, offset, out, dests)
        src_tree = src.Root.get("/StructTreeRoot")
        if tree is None or src_tree is None:
            continue
        shift = next_key
        for page in out.pages[offset:]:
            _shift_keys(page.obj, shift)
        copied = out.copy_foreign(src_tree)
        document = tree.K[0]
        for element in copied.K[0].K:
            element.P = document
            document.K.append(element)
        for index in range(0, len(copied.ParentTree.Nums), 2):
            nums += [int(copied.ParentTree.Nums[index]) + shift, copied.ParentTree.Nums[index + 1]]
        # WeasyPrint leaves some elements out of /K (in the whole-book PDF too: 826 of 14921
        # on the bench book); their /P keeps the piece's root in the file, and with it a
        # second copy of its parent tree (24 KB on the bench book).
        del copied.ParentTree
        next_key = _next_key(nums)
    if tree is not None:
        tree.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array(nums))
        tree.ParentTreeNextKey = next_key
    names = pikepdf.Array()
    for name in sorted(dests):
        names.extend([pikepdf.String(name), dests[name]])
    out.Root.Names = pikepdf.Dictionary(Dests=out.make_indirect(pikepdf.Dictionary(Names=names)))
    _outline(out, [b for piece in pieces for b in _shifted(piece, pieces)])
    _page_labels(out, [f for piece in pieces for f in piece.folios])
    share_fonts(out)
    share_images(out)
    buffer = io.BytesIO()
    # Object streams for all: the pieces' structure elements otherwise stay loose objects
    # (on the bench book 3.9 MB -> 2.3 MB before the fonts are shared).
    out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _redate(out: pikepdf.Pdf, modified: str, stamp: str) -> None:
    """Put the book's modification date where the units' stamp is (document info, XMP)."""

    def pdf_date(iso: str) -> str:
        return "D:" + iso.replace("-", "").replace("T", "").replace(":", "")

    for key in ("/ModDate", "/CreationDate"):  # created: modified, unless the book says
        if str(out.docinfo.get(key, "")) == pdf_date(stamp):
            out.docinfo[key] = pikepdf.String(pdf_date(modified))
    metadata = out.Root.get("/Metadata")
    if metadata is not None:
        xmp = metadata.read_bytes()
        if stamp.encode() in xmp:
            metadata.write(xmp.replace(stamp.encode(), modified.encode()))


def _next_key(nums: list[object]) -> int:
    """Return the first free key of a flat ``/Nums`` array."""
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]  # type: ignore[call-overload]
    return max(keys) + 1 if keys else 0


def _shift_keys(page: pikepdf.Object, shift: int) -> None:
    """Shift a copied page's ``/StructParents`` and its annotations' ``/StructParent``."""
    if "/StructParents" in page:
        page.StructParents = int(page.StructParents) + shift
    for annot in page.get("/Annots", []):
        if "/StructParent" in annot:
            annot.StructParent = int(annot.StructParent) + shift


def _collect_dests(
    src: pikepdf.Pdf, piece: Piece, offset: int, out: pikepdf.Pdf, dests: dict[str, pikepdf.Array]
) -> None:
    """Add the piece's own named destinations, pointing at its pages in ``out``."""
    holder = src.Root.get("/Names")
    names = holder.get("/Dests") if holder is not None else None
    if names is None:
        return
    array = names.Names
    pages: dict[object, int] = {page.objgen: i for i, page in enumerate(src.pages)}
    for index in range(0, len(array), 2):
        name, dest = str(array[index]), array[index + 1]
        if name in piece.phantoms or name in dests:
            continue
        page = out.pages[offset + pages[dest[0].objgen]].obj
        dests[name] = pikepdf.Array([page, *list(dest)[1:]])


def _shifted(piece: Piece, pieces: Sequence[Piece]) -> list[Bookmark]:
    """Return the piece's bookmarks with page indexes in the whole book."""
    offset = 0
    for other in pieces:
        if other is piece:
            break
        offset += len(other.folios)
    return [(level, label, page + offset, x, y) for level, label, page, x, y in piece.bookmarks]


def _outline(out: pikepdf.Pdf, bookmarks: list[Bookmark]) -> None:
    """Write the outline: bookmarks nested by level, as WeasyPrint nests them."""
    if not bookmarks:
        return
    with out.open_outline() as outline:
        stack: list[tuple[int, pikepdf.OutlineItem]] = []
        for level, label, page, x, y in bookmarks:
            height = float(out.pages[page].mediabox[3])
            dest = pikepdf.Array(
                [out.pages[page].obj, pikepdf.Name.XYZ, x * _PX, height - y * _PX, 0]
            )
            item = pikepdf.OutlineItem(label, dest)
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((level, item))


def _page_labels(out: pikepdf.Pdf, folios: Sequence[pagelabels.Label | None]) -> None:
    """Write /PageLabels equal to the printed folios, as the whole-book writer does."""
    runs = pagelabels.ranges(pagelabels.labels(folios))
    if runs:
        nums: list[object] = []
        for index, style, start in runs:
            nums += [index, pikepdf.Dictionary(S=pikepdf.Name("/" + style), St=start)]
        out.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))
