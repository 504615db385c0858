"""Serving stored photos: only to a signed-in user a service lets see them, never cached by proxies.

Visit photos and request photos differ only in the service that checks access; both routes
share this one way of answering.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from fastapi import HTTPException, Response
from nicegui import app, run
from sqlmodel import Session

from core.db import session_scope
from models import User
from services.accounts.auth import session_user_from
from services.errors import NotFound
from services.photos.store import get_photo_store

NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


class StoredPhoto(Protocol):
    file_key: str
    thumb_key: str


async def serve_photo(find: Callable[[Session, User, int], StoredPhoto], photo_id: int, thumb: bool) -> Response:
    """404 for anyone signed out, without access, or asking for a missing file: never a hint it exists."""
    with session_scope(read_only=True) as session:
        user = session_user_from(session, app.storage.user)
        if user is None:
            raise HTTPException(status_code=404)
        try:
            photo = find(session, user, photo_id)
        except NotFound as exc:
            raise HTTPException(status_code=404) from exc
        key = photo.thumb_key if thumb else photo.file_key
    try:
        data = await run.io_bound(get_photo_store().get, key)
    except FileNotFoundError as exc:
        raise HTTPException(status_code=404) from exc
    return Response(content=data, media_type="image/jpeg", headers=NO_STORE)
