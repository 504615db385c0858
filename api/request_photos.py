"""Request photos, served only to staff allowed to see the request."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.photo_files import serve_photo
from services.requests.tracking import get_request_photo

router = APIRouter()


@router.get("/request-photos/{photo_id}")
async def request_photo_file(photo_id: int) -> Response:
    return await serve_photo(get_request_photo, photo_id, thumb=False)


@router.get("/request-photos/{photo_id}/thumb")
async def request_photo_thumb(photo_id: int) -> Response:
    return await serve_photo(get_request_photo, photo_id, thumb=True)
