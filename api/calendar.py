"""Calendar files: one event's .ics for its signed-in viewer, and a person's feed by its secret token."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from nicegui import app, run

from core.db import session_scope
from services.accounts.auth import session_user_from
from services.errors import NotFound
from services.events.calendar import event_ics, personal_feed
from services.events.catalogue import get_event

router = APIRouter()


def _event_ics(browser: dict, event_id: int, base_url: str) -> bytes | None:
    with session_scope(read_only=True) as session:
        user = session_user_from(session, browser)
        if user is None:
            return None
        try:
            return event_ics(get_event(session, user, event_id), base_url)
        except NotFound:
            return None


@router.get("/events/{event_id:int}.ics")
async def event_calendar_file(event_id: int, request: Request) -> Response:
    data = await run.io_bound(_event_ics, dict(app.storage.user),
                              event_id, str(request.base_url))
    if data is None:
        raise HTTPException(status_code=404)
    return Response(data, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="event-{event_id}.ics"',
                             "Cache-Control": "private, no-store"})


def _feed(token: str, base_url: str) -> bytes | None:
    with session_scope(read_only=True) as session:
        try:
            return personal_feed(session, token, base_url)
        except NotFound:
            return None


@router.get("/calendar/{token}.ics")
async def personal_calendar_feed(token: str, request: Request) -> Response:
    """Public on purpose (calendar apps send no cookies): the unguessable token is the key."""
    data = await run.io_bound(_feed, token, str(request.base_url))
    if data is None:
        raise HTTPException(status_code=404)
    return Response(data, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, no-store"})
