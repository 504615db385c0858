"""Commitment photos, served only to the member who made the commitment and their coordinators."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.photo_files import serve_photo
from services.year.commitments import get_commitment_photo

router = APIRouter()


@router.get("/commitment-photos/{photo_id}")
async def commitment_photo_file(photo_id: int) -> Response:
    return await serve_photo(get_commitment_photo, photo_id, thumb=False)


@router.get("/commitment-photos/{photo_id}/thumb")
async def commitment_photo_thumb(photo_id: int) -> Response:
    return await serve_photo(get_commitment_photo, photo_id, thumb=True)
