"""Server-side photo processing: check an upload, shrink it, strip its metadata, hash it."""

from __future__ import annotations

import hashlib
import io
import math
import struct
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import imagehash
import pillow_heif
from PIL import Image, ImageOps
from PIL.JpegImagePlugin import JpegImageFile

from core.i18n import N_
from services.errors import InvalidInput
from services.photos.guard.budget import RESIZABLE, decode_cost

MSG_TOO_MANY_BYTES = N_("The photo is larger than {mb} MB.")
MSG_NOT_A_PHOTO = N_("This file is not a photo (JPEG, PNG, WebP or HEIC).")
MSG_TOO_MANY_PIXELS = N_("This image is too large ({w}x{h} pixels).")
MSG_UNREADABLE = N_("This photo could not be read. Try another one.")

JPEG_QUALITY = 82
THUMB_QUALITY = 78
SAME_PHOTO_THRESHOLD = 6
_WHITE = (255, 255, 255)
_MIB = 1024 * 1024

# HEIF brands written by phones (iPhone: heic; some Android: mif1 + heic). AVIF brands are not
# listed: the bundled libheif has no AV1 decoder, so such files would only fail later.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}

# What Pillow or libheif raise on a damaged or truncated file; MemoryError is left alone on purpose.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)

pillow_heif.register_heif_opener()
# Pillow only warns between 1x and 2x MAX_IMAGE_PIXELS and would then decode the whole bomb.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


Reserve = Callable[[int], AbstractContextManager[object]]


def _no_reservation(_nbytes: int) -> AbstractContextManager[object]:
    return nullcontext()


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    image: bytes  # JPEG, long side <= long_side, no metadata
    thumb: bytes  # JPEG, long side <= thumb_long_side
    width: int
    height: int
    phash: str  # imagehash.phash as hex, for spotting the same picture uploaded twice
    sha256: str  # of the uploaded bytes, so a retried upload is recognised


def process_photo(
    data: bytes, *, long_side: int, thumb_long_side: int, max_bytes: int, max_pixels: int,
    max_decode_bytes: int | None = None, reserve: Reserve | None = None,
) -> ProcessedPhoto:
    """Check an uploaded photo and return an upright, metadata-free JPEG and thumbnail.

    Raises InvalidInput (with a msgid) for files that are too big, not photos, or unreadable, and
    for images whose decoding would take more than ``max_decode_bytes`` of memory (mode and bit
    depth counted, not only pixels). ``reserve(nbytes)`` is held while the pixels are in memory
    (services/photo_guard shares one budget between concurrent decodes). CPU-bound: call it off
    the event loop.
    """
    if len(data) > max_bytes:
        raise InvalidInput(MSG_TOO_MANY_BYTES, mb=f"{max_bytes / _MIB:.3g}")
    image_format = sniff_format(data)
    if image_format is None:
        raise InvalidInput(MSG_NOT_A_PHOTO)
    try:
        # No close(): the source is an in-memory buffer, and close() would also invalidate
        # the pixels when no resize made a new image.
        opened = _open_checked(data, image_format, max_pixels)
        image = _shrink_upright_rgb(opened, image_format, long_side, max_decode_bytes, reserve or _no_reservation)
        thumb = image.resize(_fit(image.size, thumb_long_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    except _DECODE_ERRORS as exc:
        raise InvalidInput(MSG_UNREADABLE) from exc
    return ProcessedPhoto(
        image=_encode_jpeg(image, JPEG_QUALITY),
        thumb=_encode_jpeg(thumb, THUMB_QUALITY),
        width=image.width,
        height=image.height,
        # The thumbnail is enough for a 32x32 DCT hash and much cheaper to hash than the photo.
        phash=str(imagehash.phash(thumb)),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def sniff_format(data: bytes) -> str | None:
    """The Pillow format name for accepted photo types, judged by content, never by filename."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def hamming(phash_a: str, phash_b: str) -> int:
    """Number of differing bits between two phash hex strings."""
    return int(imagehash.hex_to_hash(phash_a) - imagehash.hex_to_hash(phash_b))


def is_same_photo(phash_a: str, phash_b: str, threshold: int = SAME_PHOTO_THRESHOLD) -> bool:
    """True when two photos are very likely the same picture (resized or re-encoded)."""
    return hamming(phash_a, phash_b) <= threshold


def _open_checked(data: bytes, image_format: str, max_pixels: int) -> Image.Image:
    """Open (header only) and refuse decompression bombs before any pixel is decoded."""
    # Pillow's own guard is process-wide; keep it in step with ours so other Pillow use is covered.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        # formats=[...] so a file that sniffed as JPEG is only ever parsed by the JPEG plugin.
        im = Image.open(io.BytesIO(data), formats=[image_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        w, h = _header_size(data, image_format)
        raise InvalidInput(MSG_TOO_MANY_PIXELS, w=w, h=h) from exc
    # Checked again here because another thread may have changed the global limit meanwhile.
    if im.width * im.height > max_pixels:
        raise InvalidInput(MSG_TOO_MANY_PIXELS, w=im.width, h=im.height)
    return im


def _header_size(data: bytes, image_format: str) -> tuple[int, int]:
    """Width and height from the header alone, for the refusal message of an oversized image."""
    factory, _accept = Image.OPEN[image_format]
    # The plugin factory parses the header without Pillow's bomb check and decodes no pixels.
    with factory(io.BytesIO(data), "") as header:
        return header.size


def _shrink_upright_rgb(im: Image.Image, image_format: str, long_side: int,
                        max_decode_bytes: int | None, reserve: Reserve) -> Image.Image:
    """Decode at the smallest useful size within the memory budget, resize, rotate upright, flatten to RGB."""
    full_size = im.size
    target = _fit(im.size, long_side)
    if isinstance(im, JpegImageFile):
        # libjpeg scales by 1/2, 1/4 or 1/8 while decoding: a 12 MP photo decodes as 3 MP.
        im.draft("RGB", target)
    _decode_16bit_grey_as_8bit(im, image_format)
    cost = decode_cost(im, image_format, target, full_size)
    if max_decode_bytes is not None and cost > max_decode_bytes:
        raise InvalidInput(MSG_TOO_MANY_PIXELS, w=full_size[0], h=full_size[1])
    with reserve(cost):
        return _decode_upright_rgb(im, target)


def _decode_upright_rgb(im: Image.Image, target: tuple[int, int]) -> Image.Image:
    if im.mode in RESIZABLE and im.mode not in ("RGB", "RGBA", "L") and im.size != target:
        # CMYK, LA, 32-bit: resized in their own mode, so only the small image is converted.
        im = im.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    im = _normalise_mode(im)
    if im.size != target:
        # reducing_gap: a cheap integer box reduce first, then LANCZOS for the last factor < 3.
        im = im.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Rotate after resizing: the small image is cheaper to transpose, and the result is the same.
    ImageOps.exif_transpose(im, in_place=True)
    if im.mode == "RGBA":
        flat = Image.new("RGB", im.size, _WHITE)
        flat.paste(im, mask=im.getchannel("A"))
        flat.info = im.info
        im = flat
    elif im.mode != "RGB":
        im = im.convert("RGB")
    return im


def _decode_16bit_grey_as_8bit(im: Image.Image, image_format: str) -> None:
    """Have the PNG decoder keep the high byte of each 16-bit grey sample (value / 256).

    Decoded as Pillow's I;16 and converted, a 6300x6300 grey PNG passed through two 32-bit copies
    (~160 MB each); unpacked straight to 8-bit it is one 40 MB image.
    """
    if image_format != "PNG" or im.mode != "I;16" or not all(t.args == "I;16B" for t in im.tile):
        return
    im._mode = "L"
    im.tile = [t._replace(args="L;16B") for t in im.tile]
    im.info.pop("transparency", None)  # a 16-bit grey value: meaningless for the 8-bit image


def _normalise_mode(im: Image.Image) -> Image.Image:
    """A mode LANCZOS handles well: RGB, RGBA or L (palette and 1-bit images only resize NEAREST)."""
    if im.mode in ("RGB", "RGBA", "L"):
        im.load()
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        # Pillow clips 16-bit values when converting to 8-bit; scale them down instead.
        return im.convert("I").point(lambda v: v / 256).convert("L")
    has_alpha = "A" in im.getbands() or "transparency" in im.info
    return im.convert("RGBA" if has_alpha else "RGB")


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """The size whose long side is at most long_side, same aspect ratio, never larger."""
    w, h = size
    scale = long_side / max(w, h)
    if scale >= 1:
        return w, h
    return max(1, math.floor(w * scale + 0.5)), max(1, math.floor(h * scale + 0.5))


def _encode_jpeg(im: Image.Image, quality: int) -> bytes:
    """JPEG with no EXIF, GPS, XMP or comment; only an RGB colour profile is kept."""
    icc_profile = im.info.get("icc_profile")
    # An ICC profile only describes colours, and is only valid here if it is an RGB one
    # (a CMYK or grey profile would mis-colour the converted pixels).
    keep_icc = isinstance(icc_profile, bytes) and icc_profile[16:20] == b"RGB "
    # Pillow's JPEG writer falls back to im.info['comment']; drop everything the source carried.
    im.info = {}
    out = io.BytesIO()
    # Baseline, not progressive: on a 12 MP upload progressive encoding cost 22 ms more (+15%
    # of the whole pipeline) for 2.4% fewer bytes (bench/photos.py, docs/BENCHMARKS.md).
    im.save(
        out,
        "JPEG",
        quality=quality,
        optimize=True,
        exif=b"",
        icc_profile=icc_profile if keep_icc else None,
    )
    return out.getvalue()
