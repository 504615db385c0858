"""Commitment photos, served only to the member who made the commitment and their coordinators."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from nicegui import app, run

from core.db import session_scope
from services.auth import session_user_from
from services.commitments import get_commitment_photo
from services.errors import NotFound
from services.photo_store import get_photo_store

router = APIRouter()
NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


async def _serve(photo_id: int, thumb: bool) -> Response:
    with session_scope(read_only=True) as session:
        user = session_user_from(session, app.storage.user)
        if user is None:
            raise HTTPException(status_code=404)
        try:
            photo = get_commitment_photo(session, user, photo_id)
        except NotFound as exc:
            raise HTTPException(status_code=404) from exc
        key = photo.thumb_key if thumb else photo.file_key
    try:
        data = await run.io_bound(get_photo_store().get, key)
    except FileNotFoundError as exc:
        raise HTTPException(status_code=404) from exc
    return Response(content=data, media_type="image/jpeg", headers=NO_STORE)


@router.get("/commitment-photos/{photo_id}")
async def commitment_photo_file(photo_id: int) -> Response:
    return await _serve(photo_id, thumb=False)


@router.get("/commitment-photos/{photo_id}/thumb")
async def commitment_photo_thumb(photo_id: int) -> Response:
    return await _serve(photo_id, thumb=True)
