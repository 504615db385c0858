"""Visit photos, served only to users allowed to see the visit."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.photo_files import serve_photo
from services.visits.records import get_photo

router = APIRouter()


@router.get("/photos/{photo_id}")
async def photo_file(photo_id: int) -> Response:
    return await serve_photo(get_photo, photo_id, thumb=False)


@router.get("/photos/{photo_id}/thumb")
async def photo_thumb(photo_id: int) -> Response:
    return await serve_photo(get_photo, photo_id, thumb=True)
