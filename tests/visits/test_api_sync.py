"""The offline sync API: idempotent under concurrent duplicates, resumable, size-limited, token-only, scoped."""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from collections.abc import AsyncIterator

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, func, select

from core import config
from core.config import get_settings
from core.db import session_scope
from models import Household, Photo, Visit
from models.common import max_length, utcnow
from models.visits import VisitBase
from services.accounts.api_tokens import revoke_tokens_for
from services.accounts.users import change_own_password, set_active
from tests.helpers import account
from tests.helpers.api import auth, token_for
from tests.helpers.photos import photo_bytes
from tests.helpers.visits import paired_household


def visit_body(household: Household, photos: list[bytes] = (), **extra: object) -> dict:
    return {"household_id": household.id, "visited_at": utcnow().isoformat(), "location_source": "gps",
            "lat": household.lat + 0.0002, "lng": household.lng, "accuracy_m": 10, "notes": "sent from the phone",
            "photo_consent": bool(photos), "photos": [sha(p) for p in photos], **extra}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored(session: Session, visit_id: str) -> tuple[int, int]:
    session.rollback()  # a fresh snapshot: see what the API committed
    visits = session.exec(select(func.count(Visit.id)).where(Visit.id == visit_id)).one()
    photos = session.exec(select(func.count(Photo.id)).where(Photo.visit_id == visit_id)).one()
    return visits, photos


async def test_concurrent_duplicate_requests_store_one_visit_and_one_photo_each(api, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    token = token_for("member1")
    photos = [photo_bytes(0), photo_bytes(1)]
    visit_id = str(uuid.uuid4())
    body = visit_body(household, photos)
    before = demo.exec(select(func.count(Visit.id))).one()

    answers = await asyncio.gather(*[api.put(f"/api/v1/visits/{visit_id}", json=body, headers=auth(token))
                                     for _ in range(8)])
    assert {a.status_code for a in answers} == {200}
    assert {a.json()["id"] for a in answers} == {visit_id}
    assert answers[0].json()["photos_expected"] == 2 and answers[0].json()["photos_missing"] == [sha(p) for p in photos]

    uploads = [api.put(f"/api/v1/visits/{visit_id}/photos/{sha(p)}", content=p,
                       headers={**auth(token), "Content-Type": "image/jpeg"}) for p in photos for _ in range(4)]
    answers = await asyncio.gather(*uploads)
    assert {a.status_code for a in answers} == {200}
    assert stored(demo, visit_id) == (1, 2)
    assert demo.exec(select(func.count(Visit.id))).one() == before + 1

    receipt = (await api.get(f"/api/v1/visits/{visit_id}", headers=auth(token))).json()
    assert receipt["photos_stored"] == 2 and set(receipt["photo_hashes"]) == {sha(p) for p in photos}
    assert receipt["server_time"]


async def test_a_cut_off_upload_is_refused_whole_and_resumed_photo_by_photo(api, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    token = token_for("member1")
    first, second = photo_bytes(2), photo_bytes(3)
    visit_id = str(uuid.uuid4())
    body = visit_body(household, [first, second])
    url = f"/api/v1/visits/{visit_id}"
    assert (await api.put(url, json=body, headers=auth(token))).status_code == 200
    assert (await api.put(f"{url}/photos/{sha(first)}", content=first, headers=auth(token))).status_code == 200

    cut = await api.put(f"{url}/photos/{sha(second)}", content=second[: len(second) // 2], headers=auth(token))
    assert cut.status_code == 422 and cut.json()["code"] == "hash_mismatch"
    assert stored(demo, visit_id) == (1, 1)

    again = (await api.put(url, json=body, headers=auth(token))).json()  # the phone retries the whole visit
    assert again["photos_stored"] == 1 and again["photos_missing"] == [sha(second)]
    done = await api.put(f"{url}/photos/{sha(second)}", content=second, headers=auth(token))
    assert done.status_code == 200 and done.json()["photos_stored"] == 2
    assert stored(demo, visit_id) == (1, 2)


async def test_photos_over_the_size_limit_are_refused_before_being_read_whole(
    api, demo: Session, monkeypatch: pytest.MonkeyPatch,
) -> None:
    household = paired_household(demo, account(demo, "member1"))
    token = token_for("member1")
    visit_id = str(uuid.uuid4())
    big = photo_bytes(4, (3000, 2000))
    assert (await api.put(f"/api/v1/visits/{visit_id}", json=visit_body(household, [big]),
                          headers=auth(token))).status_code == 200
    monkeypatch.setenv("DOORSTEP_MAX_UPLOAD_BYTES", str(len(big) - 1))
    config.get_settings.cache_clear()
    url = f"/api/v1/visits/{visit_id}/photos/{sha(big)}"

    declared = await api.put(url, content=big, headers=auth(token))
    assert declared.status_code == 413 and declared.json()["code"] == "too_large"

    chunks_read = 0

    async def stream() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        nonlocal chunks_read
        for i in range(0, len(big), 64 * 1024):
            chunks_read += 1
            yield big[i:i + 64 * 1024]

    streamed = await api.put(url, content=stream(), headers=auth(token))
    assert streamed.status_code == 413
    assert stored(demo, visit_id) == (1, 0)


async def test_expired_revoked_and_ended_tokens_are_refused(api, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))

    async def status(token: str | None) -> int:
        headers = auth(token) if token else {}
        answer = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=visit_body(household), headers=headers)
        return answer.status_code

    assert await status(token_for("member1")) == 200
    assert await status(None) == 401
    assert await status("not-a-token") == 401
    assert await status(token_for("member1", hours_ago=73)) == 401  # default lifetime 72 h

    revoked = token_for("member1")
    with session_scope() as session:
        revoke_tokens_for(session, account(session, "member1"))  # what sign-out does
    assert await status(revoked) == 401

    after_password_change = token_for("member1")
    with session_scope() as session:
        change_own_password(session, account(session, "member1"), "doorstep-demo", "a-new-long-secret-1")
    assert await status(after_password_change) == 401

    deactivated = token_for("member3")
    with session_scope() as session:
        set_active(session, account(session, "admin"), account(session, "member3").id, False)
    refused = await api.get("/api/v1/me/households", headers=auth(deactivated))
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"


async def test_another_members_household_and_visits_are_refused(api, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    mine, theirs = token_for("member1"), token_for("member2")
    refused = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=visit_body(household), headers=auth(theirs))
    assert refused.status_code == 404 and refused.json() == {"detail": "Household not found.", "code": "not_found"}
    in_chinese = await api.get("/api/v1/me/households", headers=auth("revoked-or-unknown", "zh-CN,zh;q=0.9"))
    assert in_chinese.json()["detail"] == "请重新登录：此请求需要有效的令牌。"

    visit_id = str(uuid.uuid4())
    picture = photo_bytes(5)
    assert (await api.put(f"/api/v1/visits/{visit_id}", json=visit_body(household, [picture]),
                          headers=auth(mine))).status_code == 200
    assert (await api.get(f"/api/v1/visits/{visit_id}", headers=auth(theirs))).status_code == 404
    taken = await api.put(f"/api/v1/visits/{visit_id}", json=visit_body(household), headers=auth(theirs))
    assert taken.status_code == 404  # a known id does not hand over someone else's visit
    photo = await api.put(f"/api/v1/visits/{visit_id}/photos/{sha(picture)}", content=picture, headers=auth(theirs))
    assert photo.status_code == 404
    assert stored(demo, visit_id) == (1, 0)

    households = (await api.get("/api/v1/me/households", headers=auth(theirs))).json()["households"]
    assert household.id not in {h["id"] for h in households}
    assert all(set(h) == {"id", "head_name", "address", "lat", "lng", "door_cards", "last_visit_at",
                          "interval_days", "due_soon_after_days"} for h in households)


async def test_cookies_never_authorise_api_writes_and_tokens_are_minted_same_origin_only(
    api, user: TestUser, demo: Session,
) -> None:
    household = paired_household(demo, account(demo, "member1"))
    cross_site = await api.post("/api/v1/session-token", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403
    foreign_origin = await api.post("/api/v1/session-token", headers={"Origin": "https://evil.example"})
    assert foreign_origin.status_code == 403
    signed_out = await api.post("/api/v1/session-token", headers={"Sec-Fetch-Site": "same-origin"})
    assert signed_out.status_code == 401
    no_bearer = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=visit_body(household))
    assert no_bearer.status_code == 401


async def test_invalid_bodies_get_clear_json_errors(api, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    token = token_for("member1")
    naive_time = visit_body(household, visited_at="2026-01-01T10:00:00")
    answer = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=naive_time, headers=auth(token))
    assert answer.status_code == 422 and answer.json()["code"] == "invalid" and "visited_at" in answer.json()["detail"]
    no_consent = visit_body(household, [photo_bytes(0)], photo_consent=False)
    answer = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=no_consent, headers=auth(token))
    assert answer.status_code == 422 and "consent" in answer.json()["detail"]
    not_a_uuid = await api.put("/api/v1/visits/not-a-uuid", json=visit_body(household), headers=auth(token))
    assert not_a_uuid.status_code == 422
    for too_big in (2**31, 2**63):  # ids are 32-bit on PostgreSQL: refused, not a 500 from the database
        answer = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=visit_body(household, household_id=too_big),
                               headers=auth(token))
        assert answer.status_code == 422 and "household_id" in answer.json()["detail"]


async def test_the_body_takes_its_limits_from_the_visit_model(api, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    token = token_for("member1")
    limit = max_length(VisitBase, "notes")
    for field in ("notes", "needs_raised", "help_given"):
        visit_id = uuid.uuid4()
        answer = await api.put(f"/api/v1/visits/{visit_id}", json=visit_body(household, **{field: "x" * (limit + 1)}),
                               headers=auth(token))
        body = answer.json()
        assert answer.status_code == 422 and body["code"] == "invalid" and body["detail"] == (
            f"The request is not valid: {field}.")
        assert [(e["loc"], e["type"], e["ctx"]) for e in body["errors"]] == [
            (["body", field], "string_too_long", {"max_length": limit})]
        assert stored(demo, str(visit_id)) == (0, 0)
    at_limit = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=visit_body(household, notes="x" * limit),
                             headers=auth(token))
    assert at_limit.status_code == 200
    negative = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=visit_body(household, accuracy_m=-1),
                             headers=auth(token))
    assert negative.status_code == 422 and negative.json()["detail"] == "The request is not valid: accuracy_m."


async def test_openapi_documents_the_api(api) -> None:
    schema = (await api.get("/api/openapi.json")).json()
    assert {"/api/v1/visits/{visit_id}", "/api/v1/visits/{visit_id}/photos/{sha256}", "/api/v1/session-token",
            "/api/v1/me/households"} <= set(schema["paths"])
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    docs = await api.get("/api/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


async def test_api_docs_load_swagger_ui_from_the_app_itself(api) -> None:
    """The CSP allows only the app's own scripts: every asset of /api/docs must come from it."""
    page = (await api.get("/api/docs")).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for url in assets:
        assert url.startswith("/"), f"{url} is not served by the app"
        response = await api.get(url)
        assert response.status_code == 200 and len(response.content) > 100, url
    assert "SwaggerUIBundle" in (await api.get(next(a for a in assets if a.endswith(".js")))).text
    assert (await api.get("/api/docs/assets/..%2F..%2Fpyproject.toml")).status_code == 404


async def test_pwa_files_are_public_and_uncached(api) -> None:
    manifest = await api.get("/manifest.webmanifest", headers={"Accept-Language": "en"})
    assert manifest.status_code == 200 and manifest.json()["short_name"] == "Doorstep"
    worker = await api.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["service-worker-allowed"] == "/"
    offline = await api.get("/offline")
    assert offline.status_code == 200 and "offline.js" in offline.text


async def test_offline_page_carries_the_servers_limits(api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The offline page refuses what the server would, with the server's numbers, not its own."""
    monkeypatch.setattr(get_settings(), "max_photos_per_visit", 3)
    page = (await api.get("/offline")).text
    assert '<meta name="doorstep-max-photos" content="3">' in page
    assert f'<meta name="doorstep-max-visit-text" content="{max_length(VisitBase, "notes")}">' in page
    assert f'<meta name="doorstep-max-pixels" content="{get_settings().max_image_pixels}">' in page
