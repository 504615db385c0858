"""The offline page's list: the API gives what the phone needs to put the most overdue first; the menu leads there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nicegui.testing import User as TestUser
from sqlmodel import Session

from models.common import utcnow
from tests.helpers import sign_in
from tests.helpers.api import auth, token_for
from tests.helpers.lists import _households_of


async def test_offline_households_come_most_overdue_first_with_the_last_visit(user: TestUser, demo: Session) -> None:
    households = _households_of(demo, "member1")
    households[0].last_visit_at = utcnow() - timedelta(days=2)
    households[1].last_visit_at = None
    households[2].last_visit_at = utcnow() - timedelta(days=40)
    demo.add_all(households[:3])
    demo.commit()
    await user.open("/login")
    body = (await user.http_client.get("/api/v1/me/households", headers=auth(token_for("member1")))).json()
    rows = body["households"]
    assert rows[0]["id"] == households[1].id and rows[0]["last_visit_at"] is None  # never visited first
    seen = [datetime.fromisoformat(r["last_visit_at"]).astimezone(UTC) for r in rows if r["last_visit_at"]]
    assert seen == sorted(seen)  # then the longest since the last visit
    assert rows.index(next(r for r in rows if r["id"] == households[2].id)) < rows.index(
        next(r for r in rows if r["id"] == households[0].id))
    assert {r["interval_days"] for r in rows} == {30} and {r["due_soon_after_days"] for r in rows} == {22.5}


async def test_member_menu_leads_to_the_offline_page(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    user.find(marker="menu").click()
    await user.should_see("Offline visits")
    link = next(e for e in user.find("Offline visits").elements)
    assert any(getattr(a, "props", {}).get("href") == "/offline" for a in _ancestors(link))


def _ancestors(element):
    while element is not None:
        yield element
        element = element.parent_slot.parent if element.parent_slot else None
