"""429 for bursts on the JSON API (per token, or per address without one) and the public pages (per address).

An ASGI middleware, so it answers before a route, a token look-up or a page build runs. The
message is in the caller's language (Accept-Language) and Retry-After says when to come back.
Exports and sign-in have their own limits where the user is known (api/exports.py, pages/login.py).
"""

from __future__ import annotations

import hashlib
import json

from api.body_limit import ASGIApp, Receive, Scope, Send
from core.i18n import match_language, translate
from services.errors import Throttled
from services.rate_limit import API_CALLS, PUBLIC_PAGES, FixedWindowLimiter


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _limit_for(scope: Scope) -> tuple[FixedWindowLimiter, str] | None:
    path: str = scope.get("path", "")
    headers = dict(scope.get("headers") or [])
    if path.startswith("/api/"):
        auth = headers.get(b"authorization", b"")
        if auth.lower().startswith(b"bearer "):  # the token's hash: one client, whatever address it uses
            return API_CALLS, "token:" + hashlib.sha256(auth[7:].strip()).hexdigest()
        return API_CALLS, "ip:" + client_address(scope)
    if path.startswith("/public/") or path == "/public":
        return PUBLIC_PAGES, client_address(scope)
    return None


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
        if scope["type"] == "http" and (rule := _limit_for(scope)) is not None:
            limiter, key = rule
            try:
                limiter.hit(key)
            except Throttled as exc:
                language = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1") or None
                await send_throttled(send, exc, limiter, language, as_json=scope["path"].startswith("/api/"))
                return
        await self.app(scope, receive, send)
