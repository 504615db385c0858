"""Exports for the signed-in coordinator: visits, households and coverage as CSV or XLSX, visits as GeoJSON.

/exports/{visits|households|coverage}.{csv|xlsx} and /exports/visits.geojson, with the map's
filters in the query string (area, member, need, from, to, verified). CSV and GeoJSON stream row
by row from the database; XLSX is written into a temporary file that is streamed, then removed.
Both spreadsheet formats go through services/spreadsheets (one writer, one formula guard).
Every export leaves an "export" entry in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from nicegui import app, run

from api.filters import filters_from_request
from core.db import session_scope
from core.i18n import current_language, translate
from models import User
from services import audit
from services.accounts.auth import session_user_from
from services.errors import Forbidden, Throttled
from services.exports import check_may_export, coverage_rows, household_rows, visit_geojson, visit_rows
from services.map.data import MapFilters
from services.org.clock import org_today
from services.rate_limits.counting import EXPORTS
from services.spreadsheets.writer import Sheet, csv_chunks, file_chunks, xlsx_temp_file

router = APIRouter()
MEDIA = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _rows(kind: str, lang: str) -> Callable:
    def tr(text: str) -> str:
        return translate(text, lang)

    if kind == "visits":
        return lambda session, user, filters: visit_rows(session, user, filters, lang)
    if kind == "households":
        return lambda session, user, filters: household_rows(session, user, filters, tr)
    return lambda session, user, filters: coverage_rows(session, user, filters, tr)


def _authorise(browser: dict, what: str, query: str) -> int:
    """The exporting user's id after the permission check; the audit entry is written here."""
    with session_scope() as session:
        user = session_user_from(session, browser)
        if user is None:
            raise HTTPException(status_code=401)
        try:
            check_may_export(user)
        except Forbidden as exc:
            audit.record(session, user, "export", what, query[:200], outcome="denied")
            session.commit()
            raise HTTPException(status_code=403) from exc
        audit.record(session, user, "export", what, query[:200])
        return user.id  # type: ignore[return-value]


def _stream(user_id: int, produce: Callable, filters: MapFilters) -> Iterator:
    """Runs in Starlette's thread pool, batch by batch, with its own read-only session."""
    with session_scope(read_only=True) as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return
        yield from produce(session, user, filters)


def _translated_header(rows: Iterator[list], lang: str) -> Iterator[list]:
    """The rows with the first (the header, msgids) in the reader's language."""
    header = True
    for row in rows:
        yield [translate(c, lang) for c in row] if header else row
        header = False


def _xlsx_file(user_id: int, produce: Callable, filters: MapFilters, lang: str, title: str) -> str:
    return xlsx_temp_file(Sheet(title, _translated_header(_stream(user_id, produce, filters), lang)))


@router.get("/exports/{kind}.{fmt}")
async def export(kind: str, fmt: str, request: Request) -> Response:
    if kind not in ("visits", "households", "coverage") or fmt not in MEDIA or (fmt == "geojson" and kind != "visits"):
        raise HTTPException(status_code=404)
    filters = filters_from_request(request)
    lang = current_language()
    user_id = await run.io_bound(_authorise, dict(app.storage.user),
                                 f"{kind}.{fmt}", request.url.query)
    try:
        EXPORTS.hit(str(user_id))
    except Throttled as exc:
        return PlainTextResponse(translate(exc.message, lang).format(**exc.params), status_code=429,
                                 headers={"Retry-After": str(EXPORTS.seconds_left()), "Cache-Control": "no-store"})
    name = f"doorstep-{kind}-{org_today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"}
    if fmt == "geojson":
        body: Iterator = (s.encode() for s in _stream(user_id, lambda s, u, f: visit_geojson(s, u, f), filters))
    elif fmt == "csv":
        body = csv_chunks(_translated_header(_stream(user_id, _rows(kind, lang), filters), lang))
    else:
        path = await run.io_bound(_xlsx_file, user_id, _rows(kind, lang), filters, lang, translate(kind.title(), lang))
        body = file_chunks(path)
    return StreamingResponse(body, media_type=MEDIA[fmt], headers=headers)
