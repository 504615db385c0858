"""The JSON API under /api/v1: bearer-token auth, the same services and access checks as the pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from api.routing import include
from api.v1.deps import ApiError, api_error_handler, validation_error_handler


def register_v1(app: FastAPI) -> None:
    from api.v1 import docs, tokens, visits

    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    include(app, tokens.router, visits.router, docs.build_router([tokens.router, visits.router]))
