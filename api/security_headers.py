"""Security headers on every HTTP response (pure ASGI, so streaming and file responses keep working).

The Content-Security-Policy is as tight as NiceGUI 3.18 allows; each directive is explained in
docs/SECURITY.md. NiceGUI needs inline scripts (its page template starts the app with an inline
script), 'unsafe-eval' (Vue compiles element templates in the browser) and inline styles (Quasar,
Tailwind's browser build and element ``style`` props).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_HOST_RE = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
HSTS = "max-age=31536000"


def tile_source(tile_url: str) -> str:
    """The CSP source for a Leaflet tile URL template ('' when tiles come from this server)."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return ""
    host = re.sub(r"\{[a-z]\}", "*", parts.netloc)  # {s}.tile.example.org -> *.tile.example.org
    if not re.fullmatch(r"[A-Za-z0-9.\-*:]+", host):
        return ""
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str, host: str | None) -> str:
    img = ["'self'", "data:", "blob:"]
    if source := tile_source(tile_url):
        img.append(source)
    connect = ["'self'"]
    if host and _HOST_RE.match(host):
        # Older Safari does not count same-host websockets as 'self'.
        connect += [f"ws://{host}", f"wss://{host}"]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": img,
        "font-src": ["'self'", "data:"],
        "connect-src": connect,
        "media-src": ["'self'", "blob:"],
        "worker-src": ["'self'", "blob:"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, tile_url: str = "", https: bool = False) -> None:
        self.app = app
        self.tile_url = tile_url
        self.https = https

    def headers_for(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        request_headers = dict(scope.get("headers") or [])
        host = request_headers.get(b"host", b"").decode("latin-1") or None
        headers = [
            ("content-security-policy", content_security_policy(self.tile_url, host)),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "strict-origin-when-cross-origin"),
            ("permissions-policy", "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), "
                                   "interest-cohort=()"),
            ("cross-origin-opener-policy", "same-origin"),
        ]
        if self.https:
            headers.append(("strict-transport-security", HSTS))
        return [(name.encode(), value.encode()) for name, value in headers]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers_for(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {name.lower() for name, _value in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in extra if name not in existing
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
