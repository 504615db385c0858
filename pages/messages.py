"""Showing service errors to the user in their language."""

from __future__ import annotations

from nicegui import ui

from core.i18n import _
from services.errors import ServiceError


def error_text(error: ServiceError) -> str:
    text = _(error.message)
    return text.format(**error.params) if error.params else text


def notify_error(error: ServiceError) -> None:
    ui.notify(error_text(error), type="negative", position="top", multi_line=True)


def notify_ok(text: str) -> None:
    ui.notify(text, type="positive", position="top")
