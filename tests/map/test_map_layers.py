"""Open requests and service points as map layers, limited to what the viewer may see."""

from __future__ import annotations

from sqlmodel import Session

from core.db import session_scope
from services.map.data import build_map_payload
from services.requests.tracking import change_status
from tests.helpers import account
from tests.helpers.requests import raise_from_visit


def kinds(session: Session, username: str, layers: list[str]) -> list[dict]:
    payload = build_map_payload(session, account(session, username), layers=layers)
    return [f["properties"] for f in payload["features"]]


def test_open_requests_show_where_they_were_raised_to_those_who_may_see_them(demo: Session) -> None:
    request = raise_from_visit("member1")
    with session_scope(read_only=True) as s:
        coordinator_view = kinds(s, "coord", ["requests"])
        assert [(p["kind"], p["id"], p["href"]) for p in coordinator_view] == [
            ("request", request.id, f"/requests/{request.id}")]
        assert kinds(s, "member2", ["requests"]) == []  # not paired with that household
        assert kinds(s, "volunteer1", ["requests"]) == []


def test_closed_requests_leave_the_layer(demo: Session) -> None:
    from models.requests import RequestStatus, Visibility

    request = raise_from_visit("member1")
    with session_scope() as s:
        change_status(s, account(s, "coord"), request.id, RequestStatus.resolved, "Fixed", Visibility.public)
    with session_scope(read_only=True) as s:
        assert kinds(s, "coord", ["requests"]) == []


def test_every_layer_is_sent_when_none_is_named(demo: Session) -> None:
    raise_from_visit("member1")
    with session_scope(read_only=True) as s:
        payload = build_map_payload(s, account(s, "coord"))
    assert set(payload["meta"]["layers"]) == {"households", "visits", "requests", "service_points"}
