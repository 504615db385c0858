"""Health check for load balancers and process supervisors: the app answers and its database too."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from nicegui import run
from sqlalchemy import text

from core.db import get_engine

router = APIRouter()


def _database_ok() -> bool:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not healthy"; the detail goes to the server log
        return False


@router.get("/health", include_in_schema=False)
async def health() -> JSONResponse:
    ok = await run.io_bound(_database_ok)
    return JSONResponse({"status": "ok" if ok else "error", "database": ok}, status_code=200 if ok else 503,
                        headers={"Cache-Control": "no-store"})
