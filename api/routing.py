"""Adding routers to the app without stacking lifespans.

FastAPI's include_router merges the router's lifespan into the app's on every call. The app
is wired again for every test (NiceGUI runs app.py per test), so the merged lifespans nested
deeper each time until Python's recursion limit. Our routers have no lifespan of their own,
so the app's is kept as it was.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI


def include(app: FastAPI, *routers: APIRouter) -> None:
    lifespan = app.router.lifespan_context
    for router in routers:
        app.include_router(router)
    app.router.lifespan_context = lifespan
