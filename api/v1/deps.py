"""What every /api/v1 route shares: bearer-token auth, errors as JSON in the caller's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from nicegui import run

from core.db import session_scope
from core.i18n import N_, match_language, translate
from models import User
from services.accounts.api_tokens import token_needs_touch, touch_token, user_for_token
from services.errors import Forbidden, InvalidInput, NotFound, ServiceError, Throttled

T = TypeVar("T")
NO_STORE = {"Cache-Control": "private, no-store"}

bearer = HTTPBearer(
    auto_error=False,
    description="Token from `POST /api/v1/session-token` (signed-in browser). Cookies are never "
                "accepted on /api/v1 data routes, so a cross-site form cannot write.",
)


class ApiError(Exception):
    """An error answered as ``{"detail": <message in the caller's language>, "code": ...}``."""

    def __init__(self, status: int, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.params = status, code, message, params

    @classmethod
    def from_service(cls, exc: ServiceError) -> ApiError:
        answers = {NotFound: (404, "not_found"), Forbidden: (403, "forbidden"),
                   InvalidInput: (422, "invalid"), Throttled: (429, "throttled")}
        # The nearest class that has an answer: a refined error (e.g. a refused door card) keeps its kind's status.
        status, code = next((answers[k] for k in type(exc).__mro__ if k in answers), (400, "invalid"))
        return cls(status, code, exc.message, **exc.params)


def request_language(request: Request) -> str:
    return match_language(request.headers.get("accept-language"))


def _message(request: Request, msgid: str, params: dict) -> str:
    text = translate(msgid, request_language(request))
    return text.format(**params) if params else text


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse({"detail": _message(request, exc.message, exc.params), "code": exc.code},
                        status_code=exc.status, headers=headers)


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if not request.url.path.startswith("/api/v1/"):
        return await request_validation_exception_handler(request, exc)
    fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "body" for e in exc.errors())
    detail = _message(request, N_("The request is not valid: {fields}."), {"fields": fields})
    errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
    return JSONResponse({"detail": detail, "code": "invalid", "errors": errors}, status_code=422, headers=NO_STORE)


def _token_user(raw: str) -> User | None:
    with session_scope(read_only=True) as session:
        user = user_for_token(session, raw, touch=False)
        stale = user is not None and token_needs_touch(session, raw)
    if stale:
        with session_scope() as session:
            touch_token(session, raw)
    return user


async def api_user(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User:
    """The user behind the bearer token; 401 for a missing, unknown, expired or revoked token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", N_("Sign in again: this request needs a valid token."))
    user = await run.io_bound(_token_user, credentials.credentials)
    if user is None:
        raise ApiError(401, "unauthorized", N_("Sign in again: this request needs a valid token."))
    return user


CurrentUser = Annotated[User, Depends(api_user)]


async def call_service(fn: Callable[..., T], *args: Any) -> T:
    """Run a (blocking) service function off the event loop; its errors become ApiErrors."""
    try:
        result = await run.io_bound(fn, *args)
    except ServiceError as exc:
        raise ApiError.from_service(exc) from exc
    if result is None:  # NiceGUI cancels io_bound work when the app shuts down
        raise ApiError(503, "unavailable", N_("The server is restarting. Try again in a minute."))
    return result
