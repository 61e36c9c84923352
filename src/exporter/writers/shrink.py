"""Scale down images that are larger than an e-reader needs (EPUB only, with Pillow).

A phone or e-ink screen shows at most about 2000 pixels; a 6000-pixel photograph only makes
the EPUB heavy and slow to open (some stores refuse files over a size). The PDF keeps the
originals, since print wants them. SVGs and animated GIFs are left alone; the output format
is the input's, and Pillow writes no timestamps, so the result is reproducible.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import replace

from exporter.model import Asset

log = logging.getLogger("exporter")

_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


def shrink_images(assets: tuple[Asset, ...], max_size: int) -> tuple[Asset, ...]:
    """Return the assets with every raster image fitted within ``max_size`` pixels."""
    return tuple(shrink(asset, max_size) for asset in assets)


def shrink(asset: Asset, max_size: int) -> Asset:
    """Return the asset scaled so its longer side is at most ``max_size`` pixels."""
    fmt = _FORMATS.get(asset.media_type)
    if fmt is None:
        return asset
    from PIL import Image, ImageFile

    # Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process: a
    # damaged image must not be scaled or refused depending on what ran before.
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        # Pillow's own bomb warning would print raw on stderr: make it one of our warnings.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _shrunk(asset, fmt, max_size)
    except (
        OSError, ValueError, SyntaxError, Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:  # fmt: skip
        # A damaged image (a truncated JPEG) cannot be scaled; the reader may still show
        # what it holds, so it goes in as it is.
        log.warning("%s: could not be scaled down (%s); kept as it is", asset.path.name, exc)
        return asset
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated


def _shrunk(asset: Asset, fmt: str, max_size: int) -> Asset:
    from PIL import Image

    image: Image.Image  # open() gives an ImageFile, convert() a plain Image
    with Image.open(io.BytesIO(asset.data)) as image:
        if max(image.size) <= max_size or getattr(image, "n_frames", 1) > 1:
            return asset
        original = image.size
        image.thumbnail((max_size, max_size), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        options = {"quality": 85, "optimize": True} if fmt == "JPEG" else {"optimize": True}
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, fmt, **options)
    log.info("%s: scaled from %dx%d to %dx%d", asset.path.name, *original, *image.size)
    return replace(asset, data=out.getvalue())
