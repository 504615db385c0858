"""Benchmark: services.photos.pipeline.process_photo against a naive Pillow resize, on a 12 MP JPEG.

Run from the repository root: ``python bench/photos.py [runs]``. Results go in docs/BENCHMARKS.md.
``python bench/photos.py memory [baseline-rev]`` measures peak memory for hostile inputs instead
(bench/photo_memory.py).
"""

from __future__ import annotations

import io
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, ImageDraw, ImageFilter, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import get_settings
from services.photos.pipeline import process_photo

SIZE = (4000, 3000)
ORIENTATION = 0x0112


def make_phone_photo(seed: int = 1) -> bytes:
    """A JPEG that compresses like a phone photo: soft shapes over gradients, plus sensor noise."""
    rng = random.Random(seed)
    w, h = SIZE
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([80 + 120 * y / h, 110 + 60 * x / w, 160 - 90 * y / h], axis=-1)
    im = Image.fromarray(base.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(im)
    for _ in range(120):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        box = (x0, y0, x0 + rng.randrange(40, 900), y0 + rng.randrange(40, 700))
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    for _ in range(300):  # thin lines: edges and fine detail, like branches or window frames
        draw.line([(rng.randrange(w), rng.randrange(h)) for _ in range(2)], fill=(20, 20, 20), width=3)
    im = im.filter(ImageFilter.GaussianBlur(1.2))  # lens softness
    noise = np.random.default_rng(seed).normal(0, 5, (h, w, 3))  # sensor noise at ISO ~400
    im = Image.fromarray((np.asarray(im, dtype=np.float32) + noise).clip(0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # held sideways: stored landscape, shown portrait
    exif[0x010F] = "BenchPhone"
    out = io.BytesIO()
    im.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def naive(data: bytes, long_side: int) -> bytes:
    """What one writes first: full decode, rotate, LANCZOS resize, save."""
    im = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    scale = long_side / max(im.size)
    im = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=82)
    return out.getvalue()


def reference(data: bytes, size: tuple[int, int]) -> np.ndarray:
    """Full-resolution decode, exact LANCZOS to the output size, never JPEG-encoded: the ideal."""
    im = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    return np.asarray(im.resize(size, Image.Resampling.LANCZOS), dtype=np.float64)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a - b) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def decoded(jpeg: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"), dtype=np.float64)


def main(runs: int) -> None:
    settings = get_settings()
    kwargs = {
        "long_side": settings.photo_long_side,
        "thumb_long_side": settings.thumb_long_side,
        "max_bytes": settings.max_upload_bytes,
        "max_pixels": settings.max_image_pixels,
    }
    data = make_phone_photo()
    naive_ms: list[float] = []
    ours_ms: list[float] = []
    naive_out = ours_out = b""
    naive(data, settings.photo_long_side)  # warm up both paths (imports, allocator)
    process_photo(data, **kwargs)
    for _ in range(runs):  # interleaved, so drift in machine load hits both equally
        t0 = time.perf_counter()
        naive_out = naive(data, settings.photo_long_side)
        t1 = time.perf_counter()
        ours = process_photo(data, **kwargs)
        t2 = time.perf_counter()
        ours_out = ours.image
        naive_ms.append((t1 - t0) * 1000)
        ours_ms.append((t2 - t1) * 1000)

    naive_px, ours_px = decoded(naive_out), decoded(ours_out)
    assert naive_px.shape == ours_px.shape, (naive_px.shape, ours_px.shape)
    ideal = reference(data, (ours_px.shape[1], ours_px.shape[0]))
    n_med, o_med = statistics.median(naive_ms), statistics.median(ours_ms)

    print(f"cpu: {cpu_model()} x {os.cpu_count()}  python {platform.python_version()}  Pillow {PIL.__version__}")
    print(f"input: {SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1e6:.2f} MB, EXIF orientation 6; {runs} runs each")
    print("| pipeline | median ms/photo | min ms | output | output bytes | PSNR vs ideal |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    print(
        f"| naive (open, exif_transpose, LANCZOS, q82) | {n_med:.0f} | {min(naive_ms):.0f} | "
        f"{naive_px.shape[1]}x{naive_px.shape[0]} | {len(naive_out):,} | {psnr(naive_px, ideal):.1f} dB |"
    )
    print(
        f"| process_photo (+ 320 px thumbnail, phash, sha256) | {o_med:.0f} | {min(ours_ms):.0f} | "
        f"{ours.width}x{ours.height} | {len(ours_out):,} (+ thumb {len(ours.thumb):,}) | "
        f"{psnr(ours_px, ideal):.1f} dB |"
    )
    print(f"time ratio ours/naive: {o_med / n_med:.2f}  (target <= 0.50)")
    print(f"size ratio ours/naive: {len(ours_out) / len(naive_out):.2f}")
    print(
        f"ours vs naive: PSNR {psnr(ours_px, naive_px):.1f} dB, "
        f"mean abs difference {float(np.mean(np.abs(ours_px - naive_px))):.2f} / 255"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "memory":
        from bench.photo_memory import main as memory_main

        args = [a for a in sys.argv[2:] if not a.startswith("--")]
        memory_main(args[0] if args else None, server_only="--server-only" in sys.argv)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
