"""Visits sent by the offline page: PUT with the client-made id, then each photo by its hash."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.v1.deps import NO_STORE, ApiError, CurrentUser, call_service
from core.config import get_settings
from core.db import session_scope
from core.i18n import N_
from models import User
from models.common import MAX_INT_ID
from services.visits.input import VisitSubmission
from services.visits.records import VisitInput, prepare_photo
from services.visits.sync import VisitReceipt, add_photo_to_visit, photo_already_stored, sync_visit, visit_receipt

router = APIRouter(prefix="/api/v1/visits", tags=["offline sync"])
VisitId = Annotated[uuid.UUID, Path(description="Made by the client when the visit was logged: the idempotency key")]
Sha256 = Annotated[str, Path(pattern="^[0-9a-f]{64}$", description="SHA-256 (hex) of the bytes sent")]


# The visit's fields and their limits are the model's (models.visits.VisitBase); the path carries the id.
class VisitBody(VisitSubmission):
    photos: list[str] = Field(default=[], max_length=20,
                              description="SHA-256 of each photo's bytes, exactly as they will be uploaded")


class ReceiptOut(BaseModel):
    id: str
    server_time: datetime
    household_id: int = Field(ge=1, le=MAX_INT_ID)
    visited_at: datetime
    photos_expected: int | None = Field(description="Photos named in this request (null when not asked)")
    photos_stored: int
    photos_missing: list[str] = Field(description="Hashes named in the request that are not stored yet")
    photo_hashes: list[str] = Field(description="Hashes of every photo stored for this visit")


def _answer(receipt: VisitReceipt) -> JSONResponse:
    body = ReceiptOut(
        id=receipt.id, server_time=receipt.server_time, household_id=receipt.household_id,
        visited_at=receipt.visited_at,
        photos_expected=len(receipt.expected_hashes) if receipt.expected_hashes is not None else None,
        photos_stored=len(receipt.stored_hashes), photos_missing=receipt.missing, photo_hashes=receipt.stored_hashes,
    )
    return JSONResponse(body.model_dump(mode="json"), headers=NO_STORE)


@router.put("/{visit_id}", response_model=ReceiptOut, summary="Store a visit (idempotent)")
async def put_visit(visit_id: VisitId, body: VisitBody, user: CurrentUser) -> JSONResponse:
    """Stores the visit once whatever the number of retries, and answers which photos are still missing.
    A visit already stored is returned as it is (the first submission wins)."""
    data = VisitInput(id=str(visit_id), **body.model_dump(exclude={"photos"}))
    return _answer(await call_service(sync_visit, user, data, [h.lower() for h in body.photos]))


def _receipt(user: User, visit_id: str) -> VisitReceipt:
    with session_scope(read_only=True) as session:
        return visit_receipt(session, user, visit_id)


def _already_stored(user: User, visit_id: str, sha256: str) -> bool:
    with session_scope(read_only=True) as session:
        return photo_already_stored(session, user, visit_id, sha256)


@router.get("/{visit_id}", response_model=ReceiptOut, summary="Receipt of a stored visit")
async def get_visit_receipt(visit_id: VisitId, user: CurrentUser) -> JSONResponse:
    return _answer(await call_service(_receipt, user, str(visit_id)))


@router.put(
    "/{visit_id}/photos/{sha256}", response_model=ReceiptOut, summary="Add one photo (idempotent, resumable)",
    openapi_extra={"requestBody": {"required": True, "content": {
        "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def put_photo(visit_id: VisitId, sha256: Sha256, request: Request, user: CurrentUser) -> JSONResponse:
    """The raw image bytes as the body. A photo already stored is not read again; a body whose hash
    differs from the URL (a cut-off upload) is refused and nothing is kept, so the client resends it."""
    limit = get_settings().max_upload_bytes
    too_large = ApiError(413, "too_large", N_("The photo is larger than {mb} MB."), mb=limit // (1024 * 1024))
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise too_large  # before reading a byte of it
    vid = str(visit_id)
    if await call_service(_already_stored, user, vid, sha256):
        return _answer(await call_service(_receipt, user, vid))
    received = bytearray()
    digest = hashlib.sha256()
    async for chunk in request.stream():
        # Counted as it arrives: a missing or false Content-Length cannot get a bigger body in.
        if len(received) + len(chunk) > limit:
            raise too_large
        received += chunk
        digest.update(chunk)
    if digest.hexdigest() != sha256:
        raise ApiError(422, "hash_mismatch", N_("The photo arrived incomplete. It will be sent again."))
    processed = await call_service(prepare_photo, bytes(received))
    return _answer(await call_service(add_photo_to_visit, user, vid, processed))
