"""Test photos made on the fly (no binary fixtures in the repository)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def photo_bytes(seed: int = 0, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A JPEG with distinct structure per seed, so perceptual hashes differ between seeds."""
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(im)
    w, h = size
    shapes = [
        lambda: draw.ellipse((w * 0.1, h * 0.1, w * 0.5, h * 0.7), fill=(220, 20, 20)),
        lambda: draw.rectangle((0, 0, w * 0.3, h), fill=(20, 160, 40)),
        lambda: draw.polygon([(w * 0.5, h * 0.9), (w * 0.95, h * 0.1), (w * 0.95, h * 0.9)], fill=(250, 250, 250)),
        lambda: draw.rectangle((w * 0.6, h * 0.05, w * 0.95, h * 0.4), fill=(20, 20, 220)),
    ]
    shapes[seed % len(shapes)]()
    if seed >= len(shapes):
        shapes[(seed + 1) % len(shapes)]()
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90)
    return out.getvalue()
