"""Versioned URLs for our static files, so browsers may cache them for a year.

The version is a hash of the files' contents: a deploy that changes a file changes its URL.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=1)
def static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in STATIC_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def asset_url(path: str) -> str:
    """URL of static/<path> under the current version, e.g. /assets/3f9a.../js/photos.js."""
    return f"/assets/{static_version()}/{path.lstrip('/')}"


def assets_mount() -> str:
    return f"/assets/{static_version()}"


def install_utilities_css() -> None:
    """Every page links the utility classes generated ahead of time (tools/build_css.py), instead of
    NiceGUI generating them in each phone's browser at each page load."""
    from nicegui import ui

    ui.add_head_html(f'<link rel="stylesheet" href="{asset_url("css/utilities.css")}">', shared=True)
