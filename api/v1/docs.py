"""OpenAPI description of /api/v1 at /api/openapi.json, browsable at /api/docs."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute

DESCRIPTION = """The JSON API used by Doorstep's offline visit page and by integrations.

Authentication: `Authorization: Bearer <token>`; a signed-in browser gets its token from
`POST /api/v1/session-token`. Tokens expire (setting `api_token_hours`) and are revoked at sign-out
and when the account is deactivated. Errors are `{"detail": "...", "code": "..."}`, in the language
of `Accept-Language` (Chinese or English).

Sync protocol: `PUT /api/v1/visits/{id}` with a client-made UUID and the SHA-256 of each photo,
then `PUT /api/v1/visits/{id}/photos/{sha256}` for each hash in `photos_missing`. Every call can be
repeated safely: a visit is stored once, a photo once per visit."""


def build_router(documented: list[APIRouter]) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    schema: dict = {}

    @router.get("/api/openapi.json")
    def openapi_json() -> JSONResponse:
        if not schema:
            # From the routers themselves: FastAPI keeps an included router as one lazy route.
            routes = [r for d in documented for r in d.routes if isinstance(r, APIRoute)]
            schema.update(get_openapi(title="Doorstep API", version="1", description=DESCRIPTION, routes=routes))
        return JSONResponse(schema)

    @router.get("/api/docs")
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Doorstep API")

    return router
