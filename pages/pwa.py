"""Installable app: manifest, service worker, offline page, and the head tags every page shares."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from nicegui import ui

from core.config import get_settings
from core.i18n import match_language
from models.common import max_length
from models.visits import VisitBase

STATIC = Path(__file__).resolve().parent.parent / "static"
THEME_COLOUR = "#b71c1c"
BACKGROUND_COLOUR = "#f5f7fa"
NAMES = {
    "zh_CN": ("Doorstep 入户走访", "入户走访", "zh-CN", "离线走访"),
    "en": ("Doorstep home visits", "Doorstep", "en", "Offline visits"),
}

# Shared by every NiceGUI page: install metadata, the service worker registration, the banner
# for visits still queued on this phone, and the token/household cache for the offline page.
HEAD_HTML = f"""
<link rel="manifest" href="/manifest.webmanifest">
<meta name="theme-color" content="{THEME_COLOUR}">
<meta name="mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-title" content="Doorstep">
<meta name="apple-mobile-web-app-status-bar-style" content="default">
<meta name="format-detection" content="telephone=no">
<link rel="apple-touch-icon" sizes="180x180" href="/static/icons/apple-touch-icon.png">
<script src="/static/js/doorstep-store.js" defer></script>
<script src="/static/js/pwa.js" defer></script>
"""


def manifest(lang: str) -> dict:
    name, short_name, tag, offline = NAMES.get(lang, NAMES["en"])
    icons = [{"src": f"/static/icons/icon-{s}.png", "sizes": f"{s}x{s}", "type": "image/png", "purpose": "any"}
             for s in (192, 512)]
    icons += [{"src": f"/static/icons/icon-maskable-{s}.png", "sizes": f"{s}x{s}", "type": "image/png",
               "purpose": "maskable"} for s in (192, 512)]
    return {
        "id": "/",
        "name": name,
        "short_name": short_name,
        "description": "入户走访、居民诉求与志愿服务 · Home visits, residents' requests and service events",
        "lang": tag,
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
        "shortcuts": [{"name": offline, "url": "/offline",
                       "icons": [{"src": "/static/icons/icon-192.png", "sizes": "192x192"}]}],
    }


def manifest_route(request: Request) -> JSONResponse:
    # Browsers fetch the manifest without cookies: the language comes from Accept-Language.
    lang = match_language(request.headers.get("accept-language"))
    return JSONResponse(manifest(lang), media_type="application/manifest+json",
                        headers={"Cache-Control": "no-cache", "Vary": "Accept-Language"})


def service_worker() -> FileResponse:
    return FileResponse(STATIC / "sw.js", media_type="application/javascript",
                        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"})


def offline_page() -> HTMLResponse:
    # The page checks what the server would refuse with the server's own limits: oversized photos
    # before decoding them, the number of photos, the length of the visit's texts.
    settings = get_settings()
    limits = {"max-pixels": int(settings.max_image_pixels), "max-photos": int(settings.max_photos_per_visit),
              "max-visit-text": max_length(VisitBase, "notes")}
    tags = "\n".join(f'<meta name="doorstep-{name}" content="{value}">' for name, value in limits.items())
    html = (STATIC / "offline.html").read_text(encoding="utf-8").replace("</head>", tags + "\n</head>", 1)
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})


def install_pwa(app: FastAPI) -> None:
    """Routes and shared head tags; called from app.py main() (no @ui.page here to re-import it)."""
    app.add_api_route("/manifest.webmanifest", manifest_route, include_in_schema=False)
    app.add_api_route("/sw.js", service_worker, include_in_schema=False)
    app.add_api_route("/offline", offline_page, include_in_schema=False)
    ui.add_head_html(HEAD_HTML, shared=True)
