"""The access-control matrix: roles x entry points x records, every cell allow or deny.

One table (ENTRIES) says, for each entry point (page with an id in its URL, API route, photo
URL, export, map data, list/search), which roles may reach the record of area A and of area B.
The test builds a world of two separate top-level areas, signs in as each role once and checks
every cell: allowed cells show the record's marker (or answer 200 with it), denied cells never
show it (Not found page, sign-in redirect, 401/403/404). Every route of the app with a parameter
or under /api, /exports and the photo prefixes must be in ENTRIES or in PUBLIC (with a reason):
a new route without a row fails test_every_route_has_a_row.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from nicegui import app
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import (
    Callback,
    CallbackDraw,
    CommitmentPhoto,
    Household,
    Pairing,
    Photo,
    RequestEvent,
    RequestPhoto,
    Role,
    User,
)
from models.common import utcnow
from services.accounts.api_tokens import issue_token
from services.accounts.users import UserForm, create_user, set_active
from services.demo.organisation import DEMO_PASSWORD
from services.events.catalogue import EventForm, create_event
from services.org.areas import create_area
from services.requests.tracking import RequestInput, raise_request
from services.visits.records import prepare_photo
from services.year.commitments import add_note, create_commitment
from tests.helpers import account, sign_in
from tests.helpers.photos import photo_bytes
from tests.helpers.requests import raise_from_visit
from tests.helpers.security import visit_with_photos

ROLES = ("admin", "coord_a", "coord_b", "member_paired", "member_unpaired", "volunteer", "signed_out")
LOGINS = {"admin": "admin", "coord_a": "coord", "coord_b": "coordb", "member_paired": "member1",
          "member_unpaired": "member3", "volunteer": "volunteer1", "signed_out": None}
SIDES = ("A", "B")
A, B, BOTH, NONE = frozenset("A"), frozenset("B"), frozenset("AB"), frozenset()


def allow(admin=BOTH, coord_a=A, coord_b=B, member_paired=NONE, member_unpaired=NONE,
          volunteer=NONE) -> dict[str, frozenset]:
    return {"admin": admin, "coord_a": coord_a, "coord_b": coord_b, "member_paired": member_paired,
            "member_unpaired": member_unpaired, "volunteer": volunteer, "signed_out": NONE}


@dataclass
class Entry:
    route: str  # the path as the app declares it
    kind: str  # "page" (simulated browser), "http" (browser cookie), "api" (bearer token)
    record: str  # which record of the world the URL names
    url: Callable[[dict], str]  # world side -> URL
    marker: Callable[[dict], str] = lambda w: w["household_name"]  # text only an allowed user may get back
    allowed: dict[str, frozenset] = field(default_factory=allow)
    method: str = "GET"
    body: Callable[[dict], bytes | dict] | None = None


STAFF_HOUSEHOLD = allow(member_paired=A)
AREA_EVENT = allow(member_paired=A, member_unpaired=A, volunteer=A)
OWN_MEMBER_ONLY = allow(admin=NONE, coord_a=NONE, coord_b=NONE, member_paired=A)
ENTRIES: list[Entry] = [
    Entry("/households/{household_id}", "page", "household", lambda w: f"/households/{w['household']}",
          allowed=STAFF_HOUSEHOLD),
    Entry("/households/{household_id}/visit", "page", "household", lambda w: f"/households/{w['household']}/visit",
          allowed=allow(admin=NONE, coord_a=NONE, coord_b=NONE, member_paired=A)),
    Entry("/admin/households/{household_id}", "page", "household",
          lambda w: f"/admin/households/{w['household']}"),
    Entry("/admin/households/{household_id}/privacy", "page", "household",
          lambda w: f"/admin/households/{w['household']}/privacy"),
    Entry("/households/{household_id}/door-card", "page", "household",
          lambda w: f"/households/{w['household']}/door-card"),
    Entry("/admin/users/{user_id}", "page", "member account", lambda w: f"/admin/users/{w['member']}",
          marker=lambda w: w["member_phone"]),
    Entry("/records/{member_id}", "page", "member's year record", lambda w: f"/records/{w['member']}",
          marker=lambda w: w["member_name"]),
    Entry("/requests/{request_id:int}", "page", "request", lambda w: f"/requests/{w['request']}",
          marker=lambda w: w["request_text"], allowed=STAFF_HOUSEHOLD),
    # Events are open to the members and volunteers of their area (and the areas below it), no one else.
    Entry("/events/{event_id:int}", "page", "event", lambda w: f"/events/{w['event']}",
          marker=lambda w: w["event_address"], allowed=AREA_EVENT),
    Entry("/events/{event_id:int}.ics", "http", "event", lambda w: f"/events/{w['event']}.ics",
          marker=lambda w: w["event_title"], allowed=AREA_EVENT),
    # Checking in is for someone signed up; nobody in the world is, so every role is refused.
    Entry("/events/{event_id:int}/check-in", "page", "event", lambda w: f"/events/{w['event']}/check-in",
          marker=lambda w: w["event_title"], allowed=allow(admin=NONE, coord_a=NONE, coord_b=NONE)),
    Entry("/admin/events/{event_id:int}/edit", "page", "event", lambda w: f"/admin/events/{w['event']}/edit",
          marker=lambda w: w["event_address"]),
    Entry("/admin/events/{event_id:int}/roster", "page", "event", lambda w: f"/admin/events/{w['event']}/roster",
          marker=lambda w: w["event_title"]),
    Entry("/photos/{photo_id}", "http", "visit photo", lambda w: f"/photos/{w['visit_photo']}",
          marker=lambda w: "", allowed=STAFF_HOUSEHOLD),
    Entry("/photos/{photo_id}/thumb", "http", "visit photo", lambda w: f"/photos/{w['visit_photo']}/thumb",
          marker=lambda w: "", allowed=STAFF_HOUSEHOLD),
    Entry("/request-photos/{photo_id}", "http", "request photo", lambda w: f"/request-photos/{w['request_photo']}",
          marker=lambda w: "", allowed=STAFF_HOUSEHOLD),
    Entry("/request-photos/{photo_id}/thumb", "http", "request photo",
          lambda w: f"/request-photos/{w['request_photo']}/thumb", marker=lambda w: "", allowed=STAFF_HOUSEHOLD),
    Entry("/commitment-photos/{photo_id}", "http", "commitment photo",
          lambda w: f"/commitment-photos/{w['commitment_photo']}", marker=lambda w: "",
          allowed=allow(member_paired=A)),
    Entry("/commitment-photos/{photo_id}/thumb", "http", "commitment photo",
          lambda w: f"/commitment-photos/{w['commitment_photo']}/thumb", marker=lambda w: "",
          allowed=allow(member_paired=A)),
    Entry("/exports/{kind}.{fmt}", "http", "household (export)", lambda w: "/exports/households.csv"),
    Entry("/exports/{kind}.{fmt}", "http", "visit (export)", lambda w: "/exports/visits.geojson",
          marker=lambda w: w["visit"]),
    Entry("/api/v1/map-data", "http", "household (map data)", lambda w: "/api/v1/map-data?layers=households",
          marker=lambda w: w["household_name"], allowed=STAFF_HOUSEHOLD),
    Entry("/api/v1/me/households", "api", "household (offline list)", lambda w: "/api/v1/me/households",
          allowed=allow(admin=NONE, coord_a=NONE, coord_b=NONE, member_paired=A)),
    # The visit API is the offline form's sync: a receipt only for the member who logged the visit.
    Entry("/api/v1/visits/{visit_id}", "api", "visit", lambda w: f"/api/v1/visits/{w['visit']}",
          marker=lambda w: w["visit"], allowed=OWN_MEMBER_ONLY),
    Entry("/api/v1/visits/{visit_id}", "api", "household (new visit)", lambda w: f"/api/v1/visits/{uuid.uuid4()}",
          marker=lambda w: "", method="PUT", allowed=allow(admin=NONE, coord_a=NONE, coord_b=NONE, member_paired=A),
          body=lambda w: {"household_id": w["household"], "visited_at": (utcnow() - timedelta(hours=1)).isoformat(),
                          "location_source": "address", "notes": "matrix", "photo_consent": False, "photos": []}),
    Entry("/api/v1/visits/{visit_id}/photos/{sha256}", "api", "visit (add photo)",
          lambda w: f"/api/v1/visits/{w['visit']}/photos/{hashlib.sha256(w['new_photo']).hexdigest()}",
          marker=lambda w: "", method="PUT", body=lambda w: w["new_photo"],
          allowed=allow(admin=NONE, coord_a=NONE, coord_b=NONE, member_paired=A)),
    # Lists and search: the record must not appear in anyone else's results.
    # The list is paged: search for both sides' names, so each must appear only where allowed.
    Entry("/admin/households", "page", "household (list)", lambda w: "/admin/households?q=户主矩阵"),
    Entry("/requests", "page", "request (list)", lambda w: "/requests", marker=lambda w: w["request_text"],
          allowed=STAFF_HOUSEHOLD),
    Entry("/visits", "page", "visit (list)", lambda w: "/visits", allowed=STAFF_HOUSEHOLD),
    Entry("/callbacks/{draw_id}", "page", "callback list", lambda w: f"/callbacks/{w['callback_list']}"),
]

# Routes that need no row, and why.
PUBLIC = {
    "/public/board/{area_id}": "the public board shows what an area has published for residents",
    "/public/request/{code}": "a resident's tracking page; the random code is the credential (rate-limited)",
    "/calendar/{token}.ics": "a volunteer's calendar feed; the random token is the credential",
    "/o/{token}": "a number's SMS opt-out page; the random token is the credential, it shows the number masked",
    "/api/openapi.json": "the API description; no data",
    "/api/docs": "the API description; no data",
    "/api/docs/assets/{name}": "Swagger UI's own files for /api/docs (a fixed list from a package)",
    "/api/v1/session-token": "hands the signed-in browser a token for its own account; no record in the URL",
    "/static/{path:path}": "app assets",
    "/assets/{version}/{path:path}": "app assets under a versioned prefix",
}
FRAMEWORK_PREFIX = "/_nicegui"  # NiceGUI's own assets, websocket and per-client upload URLs


def _paths(routes: list) -> list[str]:
    found: list[str] = []
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI keeps an included router as one lazy route
            found += _paths(route.original_router.routes)
        elif getattr(route, "path", None):
            found.append(route.path)
    return found


def _needs_row(path: str) -> bool:
    return "{" in path or path.startswith(("/api", "/exports", "/photos", "/request-photos", "/commitment-photos"))


def _normalised(path: str) -> str:
    return "/assets/{version}/{path:path}" if path.startswith("/assets/") else path


async def test_every_route_has_a_row(user: TestUser) -> None:
    covered = {e.route for e in ENTRIES} | set(PUBLIC)
    paths = {_normalised(p) for p in _paths(app.routes)}
    assert "/api/v1/visits/{visit_id}/photos/{sha256}" in paths  # the included routers were walked
    missing = sorted(p for p in paths if _needs_row(p) and not p.startswith(FRAMEWORK_PREFIX) and p not in covered)
    assert not missing, "Routes without a row in the access matrix (add to ENTRIES, or to PUBLIC with a reason):\n" \
        + "\n".join(missing)


def _build_world(demo: Session) -> dict[str, dict]:
    """Side A: the demo street office (coord). Side B: a second top-level area with its own people."""
    stamp = utcnow() - timedelta(hours=2)
    with session_scope() as s:
        area_b = create_area(s, "B街道", "street_office", None)
        coord_b = create_user(s, None, UserForm(username="coordb", name="B协调", phone="13600000001",
                                                role=Role.coordinator, area_id=area_b.id), DEMO_PASSWORD,
                              must_change=False)
        member_b = create_user(s, None, UserForm(username="memberb", name="B成员", phone="13600000002",
                                                 role=Role.member, area_id=area_b.id), DEMO_PASSWORD,
                               must_change=False)
        household_b = Household(area_id=area_b.id, head_name="乙户主矩阵", address="B街道1号", phone="13600000003",
                                members_count=2, lat=30.66, lng=104.10)
        s.add(household_b)
        s.flush()
        s.add(Pairing(household_id=household_b.id, member_id=member_b.id, started_at=stamp))
        s.commit()
        ids_b = (coord_b.id, member_b.id, household_b.id)
    with session_scope() as s:
        member_a = account(s, "member1")
        pairing = s.exec(select(Pairing).where(Pairing.member_id == member_a.id)).first()
        household_a = s.get(Household, pairing.household_id)
        household_a.head_name = "甲户主矩阵"
        s.add(household_a)
        s.commit()
        ids_a = (account(s, "coord").id, member_a.id, household_a.id)
    world: dict[str, dict] = {}
    for side, (coord_id, member_id, household_id) in (("A", ids_a), ("B", ids_b)):
        with session_scope() as s:
            member, household = s.get(User, member_id), s.get(Household, household_id)
            coordinator = s.get(User, coord_id)
        visit = visit_with_photos(member, household, [3 if side == "A" else 4])
        with session_scope() as s:
            photo = s.exec(select(Photo).where(Photo.visit_id == visit.id)).one()
            request = raise_request(s, member, RequestInput(category_id=2, description=f"矩阵请求{side}",
                                                            household_id=household.id, visit_id=visit.id),
                                    photos=[prepare_photo(photo_bytes(5))])
            request_photo = s.exec(select(RequestPhoto).where(RequestPhoto.request_id == request.id)).one()
            commitment = create_commitment(s, member, f"矩阵承诺{side}")
            add_note(s, member, commitment.id, "progress", photos=[prepare_photo(photo_bytes(6))])
            commitment_photo = s.exec(select(CommitmentPhoto).where(
                CommitmentPhoto.commitment_id == commitment.id)).one()
            start = utcnow().replace(microsecond=0) + timedelta(days=3)
            event = create_event(s, coordinator, EventForm(
                area_id=coordinator.area_id, starts_at=start, ends_at=start + timedelta(hours=2), capacity=5,
                title=f"矩阵活动{side}", category="environment", address=f"矩阵地址{side}", lat=30.6, lng=104.0))
            draw = CallbackDraw(area_id=household.area_id, week="2026-W01", week_start=stamp, week_end=stamp,
                                seed=f"2026-W01/area-{household.area_id}", share=0.1, visits_counted=1, drawn=1)
            s.add(draw)
            s.flush()
            s.add(Callback(draw_id=draw.id, visit_id=visit.id, household_id=household.id, member_id=member.id,
                           area_id=household.area_id))
            s.commit()
            world[side] = {"callback_list": draw.id, "household": household.id, "household_name": household.head_name,
                           "member": member.id, "member_phone": member.phone, "member_name": member.name,
                           "visit": visit.id,
                           "visit_photo": photo.id, "request": request.id, "request_text": f"矩阵请求{side}",
                           "request_photo": request_photo.id, "commitment_photo": commitment_photo.id,
                           "commitment_title": f"矩阵承诺{side}", "event": event.id, "event_title": f"矩阵活动{side}",
                           "event_address": f"矩阵地址{side}", "new_photo": photo_bytes(7 if side == "A" else 8)}
    return world


async def _page_cell(user: TestUser, url: str, marker: str, allowed: bool) -> str | None:
    try:
        await user.open(url)
    except AssertionError:  # a redirect the simulated browser cannot follow (e.g. to sign-in) shows nothing
        return None if not allowed else f"could not open {url}"
    if allowed:
        try:
            await user.should_see(marker, retries=50)  # pages read off the event loop: a loaded machine is slower
        except AssertionError:
            return f"expected to see {marker!r}"
    else:
        try:
            await user.should_not_see(marker, retries=1)
        except AssertionError:
            return f"saw {marker!r}"
    return None


async def _http_cell(user: TestUser, entry: Entry, side: dict, token: str | None, allowed: bool) -> str | None:
    headers = {}
    if entry.kind == "api":
        if token:
            headers["Authorization"] = f"Bearer {token}"
    body = entry.body(side) if entry.body else None
    kwargs: dict = {}
    if isinstance(body, dict):
        kwargs["content"] = json.dumps(body)
        headers["Content-Type"] = "application/json"
    elif body is not None:
        kwargs["content"] = body
        headers["Content-Type"] = "image/jpeg"
    response = await user.http_client.request(entry.method, entry.url(side), headers=headers, **kwargs)
    marker = entry.marker(side)
    shows = response.status_code == 200 and (not marker or marker in response.text)
    if allowed and not shows:
        return f"expected 200 with {marker!r}, got {response.status_code}"
    if not allowed:
        if response.status_code == 200 and (not marker or marker in response.text):
            return f"got 200 with {marker!r}"
        if response.status_code >= 500:
            return f"got {response.status_code}"
        if marker and marker in response.text:
            return f"{response.status_code} but the body shows {marker!r}"
    return None


async def test_access_matrix(user: TestUser, demo: Session) -> None:
    world = _build_world(demo)
    tokens: dict[str, str] = {}
    with session_scope() as s:
        for role, login in LOGINS.items():
            if login:
                tokens[role] = issue_token(s, account(s, login)).raw
    failures: list[str] = []
    cells = 0
    for role in ROLES:
        if LOGINS[role]:
            await sign_in(user, LOGINS[role])
        else:
            await user.http_client.get("/logout")
        for entry in ENTRIES:
            for side_name in SIDES:
                side = world[side_name]
                allowed = side_name in entry.allowed[role]
                if entry.kind == "page":
                    problem = await _page_cell(user, entry.url(side), entry.marker(side), allowed)
                else:
                    problem = await _http_cell(user, entry, side, tokens.get(role), allowed)
                cells += 1
                if problem:
                    verdict = "allow" if allowed else "deny"
                    failures.append(f"{role:16} {entry.method} {entry.route} [{entry.record} {side_name}] "
                                    f"should {verdict}: {problem}")
    print(f"\naccess matrix: {len(ROLES)} roles x {len(ENTRIES)} entry points x {len(SIDES)} records = {cells} cells")
    assert cells == len(ROLES) * len(ENTRIES) * len(SIDES)
    assert not failures, f"{len(failures)} of {cells} cells wrong:\n" + "\n".join(failures)


# NiceGUI event handlers of hidden controls: a control a role must not have is not on its page, and a
# handler of a page opened before deactivation cannot change anything afterwards.

async def test_coordinator_controls_are_not_on_a_members_household_page(user: TestUser, demo: Session) -> None:
    household = demo.exec(select(Pairing).where(Pairing.member_id == account(demo, "member1").id)).first()
    await sign_in(user, "member1")
    await user.open(f"/households/{household.household_id}")
    await user.should_see(marker="log-visit")
    await user.should_not_see(marker="privacy-link")
    await user.should_not_see("Edit household and pairings")
    await sign_in(user, "coord")
    await user.open(f"/households/{household.household_id}")
    await user.should_see(marker="privacy-link")
    await user.should_not_see(marker="log-visit")


async def test_a_page_handler_changes_nothing_after_deactivation(user: TestUser, demo: Session) -> None:
    request = raise_from_visit("member1", text="Handler after deactivation")
    await sign_in(user, "coord")
    await user.open(f"/requests/{request.id}")
    user.find(marker="note").type("Written after my account was closed")
    with session_scope() as s:
        set_active(s, account(s, "admin"), account(s, "coord").id, False)
    user.find(marker="save-note").click()
    demo.rollback()
    notes = [e for e in demo.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)).all()
             if "closed" in (getattr(e, "note", "") or "")]
    assert notes == []
