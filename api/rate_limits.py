"""429 for bursts on the JSON API (per token, or per address without one), the public pages (per
address) and photo uploads from public pages (per address and per page), before the body is read.

An ASGI middleware, so it answers before a route, a token look-up or a page build runs. The
message is in the caller's language (Accept-Language) and Retry-After says when to come back.
Exports and sign-in have their own limits where the user is known (api/exports.py, pages/accounts/login.py).
"""

from __future__ import annotations

import hashlib
import json
import re

from api.body_limit import ASGIApp, Receive, Scope, Send
from core.i18n import match_language, translate
from services.errors import Throttled
from services.rate_limits.counting import (
    API_CALLS,
    PUBLIC_PAGES,
    PUBLIC_UPLOADS_PER_ADDRESS,
    PUBLIC_UPLOADS_PER_PAGE,
    FixedWindowLimiter,
)

# NiceGUI's upload route: /_nicegui/client/<client id>/upload/<element id>
_UPLOAD_PATH = re.compile(r"/_nicegui/client/([0-9a-zA-Z_-]{1,64})/upload/\d+")


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _public_page_of_upload(path: str) -> str | None:
    """The client (page) id when ``path`` is an upload into a page open without an account."""
    match = _UPLOAD_PATH.fullmatch(path)
    if match is None:
        return None
    from nicegui import Client

    client = Client.instances.get(match.group(1))
    page_path = client.page.path if client is not None else ""
    return match.group(1) if page_path.startswith("/public") else None


def _limits_for(scope: Scope) -> list[tuple[FixedWindowLimiter, str]]:
    path: str = scope.get("path", "")
    headers = dict(scope.get("headers") or [])
    if path.startswith("/api/"):
        auth = headers.get(b"authorization", b"")
        if auth.lower().startswith(b"bearer "):  # the token's hash: one client, whatever address it uses
            return [(API_CALLS, "token:" + hashlib.sha256(auth[7:].strip()).hexdigest())]
        return [(API_CALLS, "ip:" + client_address(scope))]
    if path.startswith("/public/") or path == "/public":
        return [(PUBLIC_PAGES, client_address(scope))]
    if scope.get("method") == "POST" and (page := _public_page_of_upload(path)) is not None:
        # Anonymous photo uploads: each one is decoded, so they are counted before the body is read.
        return [(PUBLIC_UPLOADS_PER_ADDRESS, client_address(scope)), (PUBLIC_UPLOADS_PER_PAGE, page)]
    return []


async def send_throttled(send: Send, exc: Throttled, limiter: FixedWindowLimiter, accept_language: str | None,
                         as_json: bool = True) -> None:
    text = translate(exc.message, match_language(accept_language)).format(**exc.params)
    if as_json:
        body = json.dumps({"detail": text, "code": "throttled"}, ensure_ascii=False).encode()
        media = b"application/json"
    else:
        body, media = text.encode(), b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(limiter.seconds_left()).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for limiter, key in _limits_for(scope):
                try:
                    limiter.hit(key)
                except Throttled as exc:
                    language = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1") or None
                    await send_throttled(send, exc, limiter, language, as_json=scope["path"].startswith("/api/"))
                    return
        await self.app(scope, receive, send)
