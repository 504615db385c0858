"""The baseline for bench/pageload.py: a bare NiceGUI page with one label, same ui.run options."""

from __future__ import annotations

import sys

from nicegui import ui


@ui.page("/")
def index() -> None:
    ui.label("Hello")


ui.run(host="127.0.0.1", port=int(sys.argv[1]), reload=False, show=False, show_welcome_message=False,
       storage_secret="bench", viewport="width=device-width, initial-scale=1, viewport-fit=cover")
