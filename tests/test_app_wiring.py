"""The app can be wired many times in one process (NiceGUI does it once per test)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from api.routing import include


def test_including_routers_does_not_stack_lifespans() -> None:
    app = FastAPI()
    before = app.router.lifespan_context
    for _ in range(2000):  # would pass Python's recursion limit if each call nested a lifespan
        include(app, APIRouter(), APIRouter())
    assert app.router.lifespan_context is before
