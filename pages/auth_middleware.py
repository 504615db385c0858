"""Sends signed-out browsers to the sign-in page; lets public paths through."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app
from starlette.middleware.base import BaseHTTPMiddleware

from core.i18n import match_language

# Public: sign-in, set-up, NiceGUI's own assets, the PWA files (a redirected service worker
# script is refused by browsers), the JSON API (it has its own token check) and public pages.
PUBLIC_PREFIXES = (
    "/login", "/logout", "/setup", "/_nicegui", "/static", "/assets", "/api", "/public", "/o/", "/sw.js",
    "/manifest.webmanifest", "/offline", "/favicon", "/health",
    "/register", "/calendar/",  # volunteer self-registration; calendar feeds carry their own secret token
)


class AuthMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):  # noqa: ANN201
        if "lang" not in app.storage.user:
            app.storage.user["lang"] = match_language(request.headers.get("accept-language"))
        path = request.url.path
        if not app.storage.user.get("user_id") and not path.startswith(PUBLIC_PREFIXES):
            target = path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?redirect_to={quote(target)}")
        return await call_next(request)
