"""Anonymous photo uploads are limited per address and per page before their body is read, and a
re-sent photo is recognised by its hash (issue 16, item 1)."""

from __future__ import annotations

from nicegui import ElementFilter, ui
from nicegui.testing import User as TestUser
from sqlmodel import Session

import services.visits.records
from services.photos.guard import decoding
from services.rate_limits.counting import PUBLIC_UPLOADS_PER_ADDRESS, PUBLIC_UPLOADS_PER_PAGE
from tests.helpers import sign_in
from tests.helpers.photos import photo_bytes
from tests.helpers.visit_pages import most_overdue_household


def _upload_url(user: TestUser) -> str:
    with user:
        return next(iter(ElementFilter(kind=ui.upload, local_scope=False))).props["url"]


async def _post(user: TestUser, url: str, data: bytes) -> int:
    response = await user.http_client.post(url, files={"file": ("p.jpg", data, "image/jpeg")},
                                           headers={"Accept-Language": "en"})
    return response.status_code


async def test_memory_public_form_uploads_are_limited_per_page(user: TestUser, demo: Session) -> None:
    await user.open("/public/request")
    url = _upload_url(user)
    limit = PUBLIC_UPLOADS_PER_PAGE.current_limit()
    statuses = [await _post(user, url, photo_bytes(i % 4)) for i in range(limit + 1)]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429
    response = await user.http_client.post(url, files={"file": ("p.jpg", b"x")}, headers={"Accept-Language": "en"})
    assert "Too many photos sent from this connection" in response.text
    assert int(response.headers["retry-after"]) > 0


async def test_memory_public_form_uploads_are_limited_per_address(user: TestUser, demo: Session) -> None:
    per_page = PUBLIC_UPLOADS_PER_PAGE.current_limit()
    statuses = []
    while len(statuses) <= PUBLIC_UPLOADS_PER_ADDRESS.current_limit():
        await user.open("/public/request")  # a fresh page each time: only the address limit applies
        url = _upload_url(user)
        for _ in range(min(per_page, PUBLIC_UPLOADS_PER_ADDRESS.current_limit() + 1 - len(statuses))):
            statuses.append(await _post(user, url, b"not even a photo"))
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}


async def test_memory_members_uploads_are_not_counted_as_anonymous(user: TestUser, demo: Session) -> None:
    household = most_overdue_household(demo, "member1")
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    url = _upload_url(user)
    statuses = [await _post(user, url, b"not a photo") for _ in range(PUBLIC_UPLOADS_PER_PAGE.current_limit() + 2)]
    assert set(statuses) == {200}


async def test_memory_public_form_repost_of_the_same_photo_is_not_decoded_again(
        user: TestUser, demo: Session, monkeypatch) -> None:
    decoding.RECENT.clear()
    calls: list[int] = []
    real = services.visits.records.process_photo
    monkeypatch.setattr(services.visits.records, "process_photo",
                        lambda data, **kw: calls.append(1) or real(data, **kw))
    photo = photo_bytes(3)
    for _ in range(2):
        await user.open("/public/request")
        with user:
            uploader = next(iter(ElementFilter(kind=ui.upload, local_scope=False)))
        await uploader.handle_uploads([ui.upload.SmallFileUpload(name="p.jpg", content_type="image/jpeg", _data=photo)])
        await user.should_see(kind=ui.image, retries=100)  # processed in a worker thread: slow on a busy machine
    assert calls == [1]
