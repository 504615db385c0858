"""How many bytes decoding an image will take, judged from its header before any pixel is decoded.

Pillow's pixel limit counts pixels, but memory depends on the mode: Pillow keeps 1 byte per pixel
for L and P, 4 for RGB, RGBA, LA and CMYK, and some decoders hold a second full-size buffer
(libwebp, libheif, libjpeg's coefficients for progressive JPEGs). A 77 KB 16-bit grey PNG of
6300x6300 used ~350 MB before this estimate was checked.
"""

from __future__ import annotations

import math

from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile

# Bytes per pixel as Pillow stores a decoded image (multi-band 8-bit modes use 32-bit pixels).
_STORAGE_BPP = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# Modes Pillow resizes with a real filter: everything else is converted to RGB(A) first, at full size.
RESIZABLE = frozenset({"L", "LA", "RGB", "RGBA", "RGBX", "CMYK", "I", "F"})
# A decoder that writes the whole picture into its own buffer before Pillow copies it.
# libwebp's lossless decoder keeps an ARGB cache beside its output (measured: ~8 bytes a pixel).
_DECODER_BUFFER_BPP = {"WEBP": 8, "HEIF": 4}


def storage_bpp(mode: str) -> int:
    return _STORAGE_BPP.get(mode, 4)


def decode_cost(im: Image.Image, image_format: str, target: tuple[int, int], full_size: tuple[int, int]) -> int:
    """Peak bytes to decode ``im`` (as opened, after any JPEG draft) and bring it to ``target``.

    ``full_size`` is the size in the header, before a JPEG draft scaled ``im.size`` down.
    Counts the decoded pixels, a decoder's own full-size buffer, a full-size conversion when the
    mode cannot be resized directly, the premultiplied copy of an image with alpha, libjpeg's
    coefficients for a progressive JPEG, and the resize's intermediate (target width x source
    height). Checked against peak RSS in bench/photo_memory.py.
    """
    w, h = im.size
    pixels = w * h
    bpp = storage_bpp(im.mode)
    cost = pixels * bpp + pixels * _DECODER_BUFFER_BPP.get(image_format, 0)
    if im.mode not in RESIZABLE:
        cost += pixels * 4  # converted to RGB/RGBA before resizing
        bpp = 4
    if _has_alpha(im):
        cost += pixels * 4  # resizing with alpha works on a premultiplied copy (RGBa, La)
    if isinstance(im, JpegImageFile) and _progressive(im):
        cost += _jpeg_coefficient_bytes(im, full_size)
    if target != im.size:
        cost += target[0] * h * bpp
    return cost


def _has_alpha(im: Image.Image) -> bool:
    return "A" in im.getbands() or (im.mode == "P" and "transparency" in im.info)


def _progressive(im: JpegImageFile) -> bool:
    return bool(im.info.get("progressive") or im.info.get("progression"))


def _jpeg_coefficient_bytes(im: JpegImageFile, full_size: tuple[int, int]) -> int:
    """libjpeg keeps every DCT coefficient (2 bytes) of a progressive JPEG, at full size whatever the draft."""
    full_w, full_h = full_size
    layers = getattr(im, "layer", None) or [("", 1, 1, 0)]
    h_max = max(layer[1] for layer in layers)
    v_max = max(layer[2] for layer in layers)
    return sum(2 * math.ceil(full_w * layer[1] / h_max) * math.ceil(full_h * layer[2] / v_max) for layer in layers)

