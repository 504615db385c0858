"""Tokens for the offline page, and the households it caches."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from nicegui import app
from pydantic import BaseModel, Field

from api.v1.deps import NO_STORE, ApiError, CurrentUser, bearer, call_service
from core.db import session_scope
from core.i18n import N_
from models import User
from models.common import utcnow
from services.accounts.api_tokens import IssuedToken, session_token
from services.accounts.auth import session_user_from
from services.visits.sync import offline_households

router = APIRouter(prefix="/api/v1", tags=["offline sync"])


class AccountOut(BaseModel):
    id: int
    name: str
    role: str
    language: str | None


class SessionTokenOut(BaseModel):
    token: str
    expires_at: datetime
    user: AccountOut


class HouseholdOut(BaseModel):
    id: int
    head_name: str
    address: str
    lat: float | None
    lng: float | None
    door_cards: bool = Field(default=False, description="The household's area uses door cards: offer Scan door card")
    last_visit_at: datetime | None = None  # the last visit that counts; None: never visited
    interval_days: int = 30  # target interval between visits
    due_soon_after_days: float = 22.5  # "due soon" from this many days since the last visit


class HouseholdsOut(BaseModel):
    user: AccountOut
    households: list[HouseholdOut]
    server_time: datetime


def _account(user: User, lang: str | None = None) -> AccountOut:
    return AccountOut(id=user.id, name=user.name, role=user.role.value, language=lang or user.language)  # type: ignore[arg-type]


def _same_origin(request: Request) -> bool:
    """Only the app's own pages may turn the session cookie into a token (no cross-site minting)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def _issue(browser: dict, current: str | None) -> IssuedToken | bool:
    with session_scope() as session:
        user = session_user_from(session, browser)
        if user is None:
            return False
        return session_token(session, user, current)


@router.post("/session-token", response_model=SessionTokenOut, summary="Token for this signed-in browser")
async def create_session_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> JSONResponse:
    """Uses the sign-in cookie of the app's own pages (same origin only) to hand the offline page a
    bearer token. A still-fresh token sent in `Authorization` is returned instead of a new one."""
    if not _same_origin(request):
        raise ApiError(403, "forbidden", N_("This request must come from the app's own pages."))
    issued = await call_service(_issue, dict(app.storage.user),
                                credentials.credentials if credentials else None)
    if not isinstance(issued, IssuedToken):
        raise ApiError(401, "unauthorized", N_("You are signed out. Sign in to send your visits."))
    body = SessionTokenOut(token=issued.raw, expires_at=issued.expires_at,
                           user=_account(issued.user, app.storage.user.get("lang")))
    return JSONResponse(body.model_dump(mode="json"), headers=NO_STORE)


def _households(user: User) -> list[dict]:
    with session_scope(read_only=True) as session:
        return offline_households(session, user)


@router.get("/me/households", response_model=HouseholdsOut, summary="Households this member may visit")
async def my_households(user: CurrentUser) -> JSONResponse:
    """Only what the visit form needs (name, address, location) — cached on the phone until sign-out."""
    rows = await call_service(_households, user)
    body = HouseholdsOut(user=_account(user), households=[HouseholdOut(**r) for r in rows], server_time=utcnow())
    return JSONResponse(body.model_dump(mode="json"), headers=NO_STORE)
