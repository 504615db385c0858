"""Sends signed-out browsers to the sign-in page (with the page they wanted); lets public paths through.

Public requests never touch the browser's session storage, so a cookieless ``GET /health`` (a load
balancer's poll) writes no session file. A session that timed out (idle or too old) is ended here
and the browser redirected to ``/login?redirect_to=<the page>``: the address bar shows the sign-in
page, and signing in returns to where the user was.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app
from starlette.middleware.base import BaseHTTPMiddleware

from pages.session import login_url, sign_out
from services.accounts.auth import session_timed_out

# Public: sign-in, set-up, NiceGUI's own assets, the PWA files (a redirected service worker
# script is refused by browsers), the JSON API (it has its own token check) and public pages.
PUBLIC_PREFIXES = (
    "/login", "/logout", "/setup", "/_nicegui", "/static", "/assets", "/api", "/public", "/o/", "/sw.js",
    "/manifest.webmanifest", "/offline", "/favicon", "/health",
    "/register", "/calendar/",  # volunteer self-registration; calendar feeds carry their own secret token
)


class AuthMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        path = request.url.path
        if path.startswith(PUBLIC_PREFIXES):
            return await call_next(request)
        stored = app.storage.user
        if stored.get("user_id") and session_timed_out(stored.get("issued_at"), stored.get("signed_in_at"),
                                                       stored.get("last_seen")):
            sign_out()
        if not stored.get("user_id"):
            target = path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(login_url(target))
        return await call_next(request)
