"""HTTP routes outside NiceGUI pages: photo files now, the JSON API under /api/v1."""

from __future__ import annotations

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    pass
