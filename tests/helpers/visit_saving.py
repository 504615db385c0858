"""Shared steps for the visit-saving tests: the form's visit id, a stored visit, what the database holds."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from core.i18n import to_local
from models import AuditEntry, Household, LocationSource, User, Visit, VisitRevision
from models.common import utcnow
from services.visits.records import VisitInput, record_visit
from tests.helpers import account
from tests.helpers.visits import near_home, paired_household


def form_visit_id(user: TestUser) -> str:
    """The client-made visit id the open form carries in its URL."""
    return parse_qs(user.client.request.url.query)["visit"][0]


def member_and_household(session: Session, username: str = "member1") -> tuple[User, Household]:
    member = account(session, username)
    return member, paired_household(session, member)


def visit_input(household: Household, **values: object) -> VisitInput:
    """A visit ~33 m from the household (GPS) with the given values (id, notes, ...)."""
    return VisitInput(**{**near_home(household).model_dump(), **values})


def draft_as_saved(user: TestUser, household: Household, visit_id: str) -> VisitInput:
    """What the open form's save sends: its date, time and notes, at the registered address."""
    when = datetime.strptime(f"{field(user, 'Date')} {field(user, 'Time')}", "%Y-%m-%d %H:%M")
    return VisitInput(id=visit_id, household_id=household.id, notes=field(user, "Notes"),
                      visited_at=when.replace(tzinfo=ZoneInfo("Asia/Shanghai")),
                      location_source=LocationSource.address)


def field(user: TestUser, label: str) -> str:
    element = next(iter(user.find(label).elements))
    return str(element.value)  # type: ignore[attr-defined]


def age_visit(visit_id: str, hours: float) -> None:
    """Move the visit's saving time back, as if ``hours`` had passed."""
    with session_scope() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        visit.created_at = visit.created_at - timedelta(hours=hours)
        session.add(visit)


def store_visit(member: User, data: VisitInput, saved_hours_ago: float = 0) -> Visit:
    """Store a visit as if saved ``saved_hours_ago`` hours ago."""
    now = utcnow() - timedelta(hours=saved_hours_ago)
    if data.visited_at is None:
        data = data.model_copy(update={"visited_at": now - timedelta(minutes=5)})
    with session_scope() as session:
        return record_visit(session, member, data, now=now)


def stored(visit_id: str) -> Visit | None:
    with session_scope() as session:
        return session.get(Visit, visit_id)


def corrections(visit_id: str) -> tuple[list[VisitRevision], list[AuditEntry]]:
    with session_scope() as session:
        revisions = list(session.exec(select(VisitRevision).where(VisitRevision.visit_id == visit_id)).all())
        audits = list(session.exec(select(AuditEntry).where(AuditEntry.action == "visit.edit",
                                                            AuditEntry.record_id == visit_id)).all())
        return revisions, audits


def hh_mm(moment: datetime) -> str:
    return to_local(moment, "Asia/Shanghai").strftime("%H:%M")

