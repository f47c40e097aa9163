"""A listing photo checked and made safe to serve (plain functions; ``services`` writes the result).

The first bytes must say JPEG, PNG or WebP (the signatures of ``kernel.evidence``), whatever the name or the
type the browser sent; Pillow must then decode the whole picture as that same format, within the size and
dimension limits (a small file that claims a huge canvas is refused before it is decoded). What is kept is the
decoded pixels re-encoded as JPEG, turned upright by their EXIF orientation and without any metadata.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sharecity.kernel.evidence import EVIDENCE_SIGNATURES
from sharecity.market.listings.errors import InvalidPhoto

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MIN_SIDE = 200
PHOTO_MAX_SIDE = 8000
PHOTO_MAX_PIXELS = 40_000_000
PHOTOS_PER_LISTING = 9
DISPLAY_SIDE = 1280
THUMBNAIL_SIDE = 400
JPEG_QUALITY = 85
# The picture formats accepted (a PDF is evidence, not a photo): content type -> Pillow's format name.
PHOTO_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class ProcessedPhoto:
    display: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str


def _sniff(head: bytes) -> str | None:
    return next((kind for magic, offset, kind in EVIDENCE_SIGNATURES
                 if kind in PHOTO_FORMATS and head[offset:offset + len(magic)] == magic), None)


def _jpeg(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif= given: none is written
    return out.getvalue()


def photo_process(data: bytes, *, name: str = "photo") -> ProcessedPhoto:
    """The photo's display and thumbnail JPEGs, or ``InvalidPhoto`` (field ``photo``) saying which rule it broke."""
    name = (name or "photo")[:80]
    if not data:
        raise InvalidPhoto(_("%(name)s is empty.") % {"name": name}, field="photo")
    if len(data) > PHOTO_MAX_BYTES:
        raise InvalidPhoto(_("%(name)s is larger than %(mb)s MB; upload a smaller picture.")
                           % {"name": name, "mb": PHOTO_MAX_BYTES // (1024 * 1024)}, field="photo")
    content_type = _sniff(data[:16])
    if content_type is None:
        raise InvalidPhoto(_("%(name)s is not a JPEG, PNG or WebP picture.") % {"name": name}, field="photo")
    try:
        with Image.open(io.BytesIO(data), formats=[PHOTO_FORMATS[content_type]]) as opened:
            width, height = opened.size
            if max(width, height) > PHOTO_MAX_SIDE or width * height > PHOTO_MAX_PIXELS:
                raise InvalidPhoto(_("%(name)s is %(w)s×%(h)s pixels; the largest side may be %(max)s pixels.")
                                   % {"name": name, "w": width, "h": height, "max": PHOTO_MAX_SIDE}, field="photo")
            if min(width, height) < PHOTO_MIN_SIDE:
                raise InvalidPhoto(_("%(name)s is %(w)s×%(h)s pixels; each side must be at least %(min)s pixels.")
                                   % {"name": name, "w": width, "h": height, "min": PHOTO_MIN_SIDE}, field="photo")
            opened.load()
            upright = ImageOps.exif_transpose(opened)
    except InvalidPhoto:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise InvalidPhoto(_("%(name)s could not be read as the picture its first bytes claim.") % {"name": name},
                           field="photo") from None
    if upright.mode not in ("RGB", "L"):
        background = Image.new("RGB", upright.size, (255, 255, 255))
        rgba = upright.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        upright = background
    display = _jpeg(upright, DISPLAY_SIDE)
    shown = Image.open(io.BytesIO(display))
    return ProcessedPhoto(display=display, thumbnail=_jpeg(upright, THUMBNAIL_SIDE), width=shown.width,
                          height=shown.height, sha256=hashlib.sha256(display).hexdigest())
