"""The app can be wired many times in one process (NiceGUI does it once per test)."""

from __future__ import annotations

import re

from fastapi import APIRouter, FastAPI

from api.routing import include


def test_including_routers_does_not_stack_lifespans() -> None:
    app = FastAPI()
    before = app.router.lifespan_context
    for _ in range(2000):  # would pass Python's recursion limit if each call nested a lifespan
        include(app, APIRouter(), APIRouter())
    assert app.router.lifespan_context is before


def test_calendar_files_are_api_routes() -> None:
    """The .ics routes live in api/ (api.register includes them), no page module declares one."""
    from pathlib import Path

    from api import calendar

    paths = {getattr(route, "path", "") for route in calendar.router.routes}
    assert {"/events/{event_id:int}.ics", "/calendar/{token}.ics"} <= paths
    root = Path(__file__).resolve().parents[2]
    assert "calendar.router" in (root / "api" / "__init__.py").read_text(encoding="utf-8")
    declared = re.compile(r"@\w+\.(get|route)\([^)]*\.ics")
    assert not [p for p in (root / "pages").rglob("*.py") if declared.search(p.read_text(encoding="utf-8"))]


def test_app_registers_pages_explicitly() -> None:
    """app.py wires pages with pages.register(app); every page module is on its list."""
    from pathlib import Path

    import pages

    root = Path(__file__).resolve().parents[2]
    source = (root / "app.py").read_text(encoding="utf-8")
    assert "pages.register(app)" in source
    assert "import pages." not in source
    on_disk = {".".join(p.relative_to(root).with_suffix("").parts) for p in (root / "pages").rglob("*.py")
               if "@ui.page(" in p.read_text(encoding="utf-8")}
    assert on_disk <= set(pages.PAGE_MODULES)
