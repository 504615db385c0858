"""A forged upload bigger than the limit is refused before it is read whole."""

from __future__ import annotations

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session

from api.body_limit import BodyLimitMiddleware
from tests.helpers import sign_in
from tests.helpers.visit_pages import most_overdue_household


async def test_oversized_upload_to_the_visit_form_is_refused(user: TestUser, demo: Session,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    household = most_overdue_household(demo, "member1")
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    uploader = user.find(marker="photo-upload").elements.pop()
    url = uploader.props["url"]
    big = b"\xff\xd8" + b"0" * (16 * 1024 * 1024)
    response = await user.http_client.post(url, files={"file": ("big.jpg", big, "image/jpeg")})
    assert response.status_code == 413


async def test_chunked_body_is_cut_off_once_it_passes_the_limit() -> None:
    chunks_read = 0
    sent: list[dict] = []

    async def app(scope, receive, send):
        nonlocal chunks_read
        while True:
            message = await receive()
            chunks_read += 1
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def receive() -> dict:
        return {"type": "http.request", "body": b"x" * 1024 * 1024, "more_body": True}  # endless stream

    async def send(message: dict) -> None:
        sent.append(message)

    middleware = BodyLimitMiddleware(app, max_bytes=3 * 1024 * 1024)
    await middleware({"type": "http", "method": "POST", "headers": []}, receive, send)
    assert sent[0]["status"] == 413
    assert chunks_read <= 4  # stopped just past the limit, not after the whole stream
