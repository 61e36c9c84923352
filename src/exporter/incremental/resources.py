"""What the pages of an assembled book draw with: resource dictionaries, shared images.

The pieces of a book are separate PDFs, so an image that two chapters show is embedded by
each. ``share_images`` keeps one copy of each (same bytes, same dictionary, same soft mask);
``resources`` walks the resource dictionaries of the pages and of the forms, patterns and
soft masks they draw, and ``repoint`` makes them name the copies kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pikepdf

_Key = tuple[int, int]


def resources(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Yield every resource dictionary of the pages and of the forms they draw, once."""
    seen: set[tuple[int, int]] = set()
    todo = [page.obj.get("/Resources") for page in pdf.pages]
    while todo:
        found = todo.pop(0)
        if not isinstance(found, pikepdf.Dictionary):
            continue
        if found.is_indirect:
            if found.objgen in seen:
                continue
            seen.add(found.objgen)
        yield found
        drawn = [*found.get("/XObject", {}).values(), *found.get("/Pattern", {}).values()]
        for state in found.get("/ExtGState", {}).values():
            mask = state.get("/SMask") if isinstance(state, pikepdf.Dictionary) else None
            if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
                drawn.append(mask.G)  # a soft mask's group draws with its own resources
        for stream in drawn:
            if isinstance(stream, pikepdf.Stream) and stream.objgen not in seen:
                seen.add(stream.objgen)
                todo.append(stream.get("/Resources"))


def repoint(pdf: pikepdf.Pdf, kind: str, replaced: dict[_Key, pikepdf.Object]) -> None:
    """Make every ``kind`` resource (``/Font``, ``/XObject``) that names an object merged
    away name the object it was merged into."""
    for found in resources(pdf):
        named = found.get(kind)
        if named is None:
            continue
        for name in list(named.keys()):
            target = replaced.get(named[name].objgen)
            if target is not None:
                named[name] = target


def share_images(pdf: pikepdf.Pdf) -> None:
    """Keep one copy of each image that several pieces embed."""
    kept: dict[bytes, pikepdf.Object] = {}
    replaced: dict[_Key, pikepdf.Object] = {}
    for found in resources(pdf):
        for image in found.get("/XObject", {}).values():
            if image.objgen in replaced or image.get("/Subtype") != pikepdf.Name.Image:
                continue
            key = _image_key(image)
            if key is None or not image.is_indirect:
                continue
            first = kept.setdefault(key, image)
            if first.objgen != image.objgen:
                replaced[image.objgen] = first
    if replaced:
        repoint(pdf, "/XObject", replaced)


def _image_key(image: pikepdf.Object) -> bytes | None:
    """Return what makes an image the same as another: its bytes, dictionary and mask.

    Other indirect objects in the dictionary (an ICC profile) make it unique: not shared.
    """
    digest = hashlib.sha256(image.read_raw_bytes())
    mask = image.stream_dict.get("/SMask")
    if mask is not None:
        inner = _image_key(mask) if isinstance(mask, pikepdf.Stream) else None
        if inner is None:
            return None
        digest.update(inner)
    fields = {key: value for key, value in image.stream_dict.items() if key != "/SMask"}
    text = pikepdf.Dictionary(fields).unparse()
    if b" R" in text:
        return None
    return digest.digest() + text
