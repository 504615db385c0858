"""Images that are small on the wire and expensive to decode, made on the fly."""

from __future__ import annotations

import io

from PIL import Image


def encoded(im: Image.Image, fmt: str, **kw: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def grey16_png(side: int = 6300, value: int = 1000) -> bytes:
    """The issue's bomb: 16-bit grey PNG under the pixel limit (77-92 KB at 6300x6300)."""
    return encoded(Image.new("I;16", (side, side), value), "PNG")


def palette_png(side: int) -> bytes:
    return encoded(Image.new("P", (side, side), 3), "PNG", transparency=0)


def cmyk_progressive_jpeg(side: int) -> bytes:
    return encoded(Image.new("CMYK", (side, side), (10, 20, 30, 40)), "JPEG", progressive=True)


def grey_jpeg(side: int) -> bytes:
    return encoded(Image.new("L", (side, side), 128), "JPEG")
