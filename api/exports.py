"""Exports for the signed-in coordinator: visits, households and coverage as CSV or XLSX, visits as GeoJSON.

/exports/{visits|households|coverage}.{csv|xlsx} and /exports/visits.geojson, with the map's
filters in the query string (area, member, need, from, to, verified). CSV and GeoJSON stream row
by row from the database; XLSX is written by openpyxl's write-only workbook into a temporary file
(a zip cannot be streamed while it is written) and that file is streamed, then removed.
Every export leaves an "export" entry in the audit trail.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from nicegui import app, run
from openpyxl import Workbook

from api.filters import filters_from_request
from core.db import session_scope
from core.i18n import DEFAULT_LANGUAGE, translate
from models import User
from services import audit
from services.auth import session_user_from
from services.errors import Forbidden, Throttled
from services.exports import check_may_export, coverage_rows, household_rows, visit_geojson, visit_rows
from services.map_data import MapFilters
from services.rate_limit import EXPORTS

router = APIRouter()
MEDIA = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CHUNK = 64 * 1024


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


def _csv(rows: Iterator[list], lang: str) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()  # so spreadsheet programs read the UTF-8 (Chinese names) correctly
    header = True
    for row in rows:
        writer.writerow([translate(c, lang) for c in row] if header else
                        ["" if v is None else v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "strftime") else v
                         for v in row])
        header = False
        if buffer.tell() > CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx_file(user_id: int, produce: Callable, filters: MapFilters, lang: str, title: str) -> str:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    header = True
    for row in _stream(user_id, produce, filters):
        sheet.append([translate(c, lang) for c in row] if header else row)
        header = False
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    workbook.save(path)
    return path


def _file_chunks(path: str) -> Iterator[bytes]:
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


@router.get("/exports/{kind}.{fmt}")
async def export(kind: str, fmt: str, request: Request) -> Response:
    if kind not in ("visits", "households", "coverage") or fmt not in MEDIA or (fmt == "geojson" and kind != "visits"):
        raise HTTPException(status_code=404)
    filters = filters_from_request(request)
    lang = app.storage.user.get("lang", DEFAULT_LANGUAGE)
    user_id = await run.io_bound(_authorise, dict(app.storage.user),
                                 f"{kind}.{fmt}", request.url.query)
    try:
        EXPORTS.hit(str(user_id))
    except Throttled as exc:
        return PlainTextResponse(translate(exc.message, lang).format(**exc.params), status_code=429,
                                 headers={"Retry-After": str(EXPORTS.seconds_left()), "Cache-Control": "no-store"})
    name = f"doorstep-{kind}-{date.today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"}
    if fmt == "geojson":
        body: Iterator = (s.encode() for s in _stream(user_id, lambda s, u, f: visit_geojson(s, u, f), filters))
    elif fmt == "csv":
        body = _csv(_stream(user_id, _rows(kind, lang), filters), lang)
    else:
        path = await run.io_bound(_xlsx_file, user_id, _rows(kind, lang), filters, lang, translate(kind.title(), lang))
        body = _file_chunks(path)
    return StreamingResponse(body, media_type=MEDIA[fmt], headers=headers)
