"""Where the app may send a browser after signing in: its own pages only, read the way a browser reads a URL.

A browser drops tabs and line breaks from a URL, treats a backslash as a slash and trims
surrounding spaces and control characters, so ``/\\evil.example`` and ``/<tab>/evil.example``
leave the site although they start with one "/". The target is normalised the same way
(percent-encoding decoded until it is stable), must then be a plain path with no scheme or host,
and must match one of the app's own routes; anything else becomes the start page.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from nicegui import app
from starlette.routing import Match

HOME = "/"
# Never a place to land after signing in: these end or restart the sign-in itself.
NOT_TARGETS = ("/login", "/logout", "/login/finish")
_DROPPED = re.compile(r"[\t\n\r]")  # browsers remove these anywhere in a URL
_TRIMMED = "".join(chr(c) for c in range(0x21))  # and trim C0 controls and spaces at both ends
_PATH_SAFE = "/-._~!$&'()*+,;=:@"
_QUERY_SAFE = _PATH_SAFE + "?%"


def _decoded_path(path: str) -> str | None:
    """The path percent-decoded until stable, backslashes read as slashes; None if it never settles."""
    for _ in range(5):
        decoded = unquote(path.replace("\\", "/"))
        if decoded == path:
            return decoded
        path = decoded
    return None


def _is_own_page(path: str) -> bool:
    if path in NOT_TARGETS:
        return False
    scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
    return any(route.matches(scope)[0] == Match.FULL for route in app.routes)


def safe_redirect(target: str | None) -> str:
    """``target`` if it is a path to one of the app's own pages, else the start page."""
    text = _DROPPED.sub("", target or "").strip(_TRIMMED)
    path_part, _, query = text.partition("?")
    path = _decoded_path(path_part.partition("#")[0])
    if not path or not path.startswith("/") or path.startswith("//"):
        return HOME
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 or c == "\x7f" for c in path + query):
        return HOME
    if not _is_own_page(path):
        return HOME
    query = query.partition("#")[0]
    return quote(path, safe=_PATH_SAFE) + (f"?{quote(query, safe=_QUERY_SAFE)}" if query else "")
