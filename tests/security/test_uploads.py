"""Every upload route refuses a forged body bigger than the limit before reading it whole (413).

The NiceGUI upload endpoints are found on the pages themselves (every ui.upload on the visit form,
the public request form, a request's page, commitments and the household import), so a new
uploader on these pages is covered without a change here; the API's photo PUT is tried directly.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

from nicegui import ElementFilter, ui
from nicegui.testing import User as TestUser
from sqlmodel import Session

from core.config import get_settings
from core.db import session_scope
from services.accounts.api_tokens import issue_token
from services.year.commitments import create_commitment
from tests.helpers import account, sign_in
from tests.helpers.requests import raise_from_visit
from tests.helpers.security import member_household, visit_with_photos
from tests.helpers.visit_pages import most_overdue_household

CHUNK = 1024 * 1024


class ForgedBody:
    """An endless body that counts how much of it the server pulled."""

    def __init__(self, multipart: bool) -> None:
        self.chunks_read = 0
        self.multipart = multipart

    async def stream(self) -> AsyncIterator[bytes]:
        if self.multipart:  # a well-formed start, so the form parser keeps reading
            yield (b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
                   b"Content-Type: image/jpeg\r\n\r\n")
        while self.chunks_read < 200:  # 200 MB would be "read whole"
            self.chunks_read += 1
            yield b"\xff" * CHUNK


async def _refused(user: TestUser, method: str, url: str, declare_length: bool, headers: dict | None = None) -> int:
    body = ForgedBody(multipart=method == "POST")
    limit = get_settings().max_upload_bytes
    headers = dict(headers or {})
    headers["Content-Type"] = "multipart/form-data; boundary=xyz" if method == "POST" else "image/jpeg"
    if declare_length:
        headers["Content-Length"] = str(limit * 4)
    response = await user.http_client.request(method, url, content=body.stream(), headers=headers)
    assert response.status_code == 413, (url, response.status_code, response.text[:200])
    # Stopped at or just past the limit (plus multipart overhead), never at the end of the stream.
    assert body.chunks_read <= limit // CHUNK + 2, (url, body.chunks_read)
    return body.chunks_read


def _upload_urls(user: TestUser) -> list[str]:
    with user:
        return [u.props["url"] for u in ElementFilter(kind=ui.upload, local_scope=False)]


async def test_every_upload_route_refuses_a_forged_oversized_body(user: TestUser, demo: Session) -> None:
    household = most_overdue_household(demo, "member1")
    request = raise_from_visit("member1", text="Broken stair light")
    with session_scope() as s:
        create_commitment(s, account(s, "member1"), "Fix the stair lights")
    pages = [  # (who, page) — the pages that carry an uploader
        (None, "/public/request"),
        ("member1", f"/households/{household.id}/visit"),
        ("member1", f"/requests/{request.id}"),
        ("member1", "/me/commitments"),
        ("admin", "/admin/households/import"),
    ]
    tried: dict[str, int] = {}
    for login, path in pages:
        if login:
            await sign_in(user, login)
        else:
            await user.http_client.get("/logout")
        await user.open(path)
        urls = _upload_urls(user)
        assert urls, f"no uploader found on {path}"
        for url in urls:
            await _refused(user, "POST", url, declare_length=True)
            await _refused(user, "POST", url, declare_length=False)  # chunked: cut off as it passes the limit
            tried[f"{path} {url}"] = len(urls)
    assert len(tried) >= len(pages)

    with session_scope() as s:
        token = issue_token(s, account(s, "member1")).raw
    visit = visit_with_photos(*member_household(demo, "member1"), [])
    url = f"/api/v1/visits/{visit.id}/photos/{hashlib.sha256(b'x').hexdigest()}"
    auth = {"Authorization": f"Bearer {token}"}
    await _refused(user, "PUT", url, declare_length=True, headers=auth)
    await _refused(user, "PUT", url, declare_length=False, headers=auth)
