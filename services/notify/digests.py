"""Digests composed of sections that features register: the members' weekly, the coordinators' daily.

A feature adds a section with one call at import time::

    from services.notify.digests import register_digest_section

    def visits_awaiting_review(session, user, now):
        n = ...  # count what this coordinator should look at
        return (N_("Visits awaiting review: {n}"), {"n": n}) if n else None

    register_digest_section("coordinator_daily", "visits_awaiting_review", visits_awaiting_review)

A section returns (msgid, params) or None when it has nothing to say; a digest with no lines is
not sent. Digests are never sent in quiet hours.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core.config import get_settings
from core.i18n import N_
from models import Role, ServiceRequest, User
from models.requests import OPEN_STATUSES
from services.households.records import coverage_counts
from services.notify import policy
from services.notify.recipients import tell_bot, tell_user
from services.org.areas import subtree_ids

Section = Callable[[Session, User, datetime], tuple[str, dict[str, Any]] | None]
DIGESTS = {"member_weekly": Role.member, "coordinator_daily": Role.coordinator}
_SECTIONS: dict[str, dict[str, Section]] = {name: {} for name in DIGESTS}
SEND_FROM_HOUR = 8  # local time; and never in quiet hours


def register_digest_section(digest: str, name: str, section: Section) -> None:
    """Add (or replace, by name) a section of ``digest`` ("member_weekly" or "coordinator_daily")."""
    _SECTIONS[digest][name] = section


def compose(session: Session, digest: str, user: User, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    lines = []
    for section in _SECTIONS[digest].values():
        line = section(session, user, now)
        if line is not None:
            lines.append(line)
    return lines


def member_overdue_households(session: Session, user: User, now: datetime) -> tuple[str, dict[str, Any]] | None:
    _total, late = coverage_counts(session, user, get_settings().visit_interval_days, now)
    return (N_("Households overdue for a visit: {n}"), {"n": late}) if late else None


def member_open_requests(session: Session, user: User, now: datetime) -> tuple[str, dict[str, Any]] | None:
    n = session.exec(select(func.count()).select_from(ServiceRequest).where(
        col(ServiceRequest.status).in_(OPEN_STATUSES),
        or_(ServiceRequest.raised_by_id == user.id, ServiceRequest.assignee_id == user.id))).one()
    return (N_("Your open requests: {n}"), {"n": n}) if n else None


def overdue_requests_in(session: Session, area_id: int | None, now: datetime) -> int:
    return int(session.exec(select(func.count()).select_from(ServiceRequest).where(
        col(ServiceRequest.status).in_(OPEN_STATUSES), col(ServiceRequest.due_at) < now,
        col(ServiceRequest.area_id).in_(subtree_ids(session, area_id)))).one())


def coordinator_overdue_requests(session: Session, user: User, now: datetime) -> tuple[str, dict[str, Any]] | None:
    n = overdue_requests_in(session, user.area_id, now)
    return (N_("Overdue requests: {n}"), {"n": n}) if n else None


register_digest_section("member_weekly", "overdue_households", member_overdue_households)
register_digest_section("member_weekly", "open_requests", member_open_requests)
register_digest_section("coordinator_daily", "overdue_requests", coordinator_overdue_requests)


def _period(digest: str, now: datetime) -> str | None:
    """The period a digest is due for now (its key), or None when it is not due."""
    local = now.astimezone(ZoneInfo(get_settings().time_zone))
    if local.hour < SEND_FROM_HOUR or policy.in_quiet_hours(now):
        return None
    if digest == "member_weekly":
        if local.weekday() != 0:  # Mondays
            return None
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def queue_digests(session: Session, now: datetime) -> int:
    """Queue each digest that is due for each account it is for; returns how many were queued."""
    queued = 0
    link = f"{get_settings().public_url.rstrip('/')}/"
    for digest, role in DIGESTS.items():
        period = _period(digest, now)
        if period is None:
            continue
        users = session.exec(select(User).where(User.role == role, col(User.active).is_(True))).all()
        for user in users:
            lines = compose(session, digest, user, now)
            if lines:
                tell_user(session, user, f"digest.{digest}", f"digest-{digest}:{user.id}:{period}",
                          {"_lines": [list(line) for line in lines]}, link="/")
                queued += 1
            if digest == "coordinator_daily" and user.area_id is not None:
                n = overdue_requests_in(session, user.area_id, now)
                if n:
                    tell_bot(session, user.area_id, "digest.coordinator_daily",
                             f"digest-coordinator_daily:bot:{user.area_id}:{period}",
                             {"_lines": [[N_("Overdue requests: {n}"), {"n": n}]], "link": link})
    return queued


def digest_job(now: datetime) -> int:
    from core.db import session_scope

    with session_scope() as session:
        return queue_digests(session, now)
