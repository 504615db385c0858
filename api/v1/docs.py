"""OpenAPI description of /api/v1 at /api/openapi.json, browsable at /api/docs.

Swagger UI's files are served by the app itself from the swagger-ui-bundle-v2 package (a CDN is
blocked by the app's own Content-Security-Policy, and slow or unreachable in mainland China).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from swagger_ui_bundle import swagger_ui_path

SWAGGER_DIR = Path(swagger_ui_path)
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
ASSETS = "/api/docs/assets"

DESCRIPTION = """The JSON API used by Doorstep's offline visit page and by integrations.

Authentication: `Authorization: Bearer <token>`; a signed-in browser gets its token from
`POST /api/v1/session-token`. Tokens expire (setting `api_token_hours`), end when unused for the
session idle limit (`session_idle_minutes`) and are revoked at sign-out, when the account is
deactivated and when a backup is restored. Errors are `{"detail": "...", "code": "..."}`, in the language
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
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Doorstep API",
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS}/favicon-32x32.png")

    @router.get(ASSETS + "/{name}")
    def docs_asset(name: str) -> FileResponse:
        if name not in SWAGGER_FILES:
            raise HTTPException(status_code=404)
        return FileResponse(SWAGGER_DIR / name, headers={"Cache-Control": "public, max-age=86400"})

    return router
