"""Errors services raise; their messages are English msgids that pages translate."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base: ``message`` is a msgid marked with N_, ``params`` fill its {placeholders}."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params


class NotFound(ServiceError):
    """The record does not exist, or the acting user may not know that it does."""


class Forbidden(ServiceError):
    """The acting user may not do this (used only where hiding existence is not needed)."""


class InvalidInput(ServiceError):
    """Input the user can correct."""


class Throttled(ServiceError):
    """Too many attempts; try again later."""
