"""Security headers on every response; the session cookie's flags."""

from __future__ import annotations

from nicegui.testing import User as TestUser

from api.security_headers import SecurityHeadersMiddleware, content_security_policy, tile_source


async def test_every_response_carries_the_security_headers(user: TestUser) -> None:
    for path in ("/login", "/static/icons/icon-192.png", "/photos/1", "/does-not-exist"):
        response = await user.http_client.get(path)
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "geolocation=(self)" in headers["permissions-policy"]
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "strict-transport-security" not in headers  # plain HTTP in tests
    cookie = (await user.http_client.get("/login")).headers.get("set-cookie", "").lower()
    if cookie:
        assert "httponly" in cookie and "samesite=lax" in cookie


def test_csp_allows_the_tile_host_and_this_hosts_websocket_only() -> None:
    csp = content_security_policy("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "doorstep.example.org")
    assert "img-src 'self' data: blob: https://*.tile.openstreetmap.org" in csp
    assert "connect-src 'self' ws://doorstep.example.org wss://doorstep.example.org" in csp
    assert tile_source("/static/tiles/blank.png") == ""
    # A forged Host header cannot inject directives.
    assert "evil" not in content_security_policy("", "x; script-src evil")


def test_hsts_only_over_https() -> None:
    scope = {"type": "http", "headers": [(b"host", b"doorstep.example.org")]}
    https = dict(SecurityHeadersMiddleware(None, https=True).headers_for(scope))  # type: ignore[arg-type]
    plain = dict(SecurityHeadersMiddleware(None, https=False).headers_for(scope))  # type: ignore[arg-type]
    assert https[b"strict-transport-security"].startswith(b"max-age=")
    assert b"strict-transport-security" not in plain
