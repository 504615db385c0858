"""The address of the phone behind the current page (the proxy's X-Forwarded-For when trusted)."""

from __future__ import annotations

from nicegui import ui


def client_ip() -> str:
    """Key for the per-address abuse limits; "unknown" when the page has no request behind it."""
    try:
        return ui.context.client.ip or "unknown"
    except Exception:  # no request behind this client (should not happen on a page)
        return "unknown"
