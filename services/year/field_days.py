"""Leaders' field days at their contact point, the yearly quota by leadership level, and the problems
taken up there that become residents' requests."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.config import get_settings
from core.i18n import N_
from models import FieldDay, FieldDayRequest, RequestSource, ServiceRequest, User
from models.common import utcnow
from models.year import FieldDayBase
from services import audit
from services.errors import Forbidden, InvalidInput, NotFound
from services.inputs import CheckedInput, check_lengths
from services.org.calendar_year import share_of_year_elapsed, year_bounds, year_of
from services.requests.tracking import _active_category, _check_description, create_request

LEADER_LEVELS = {1: N_("Leader, level 1"), 2: N_("Leader, level 2")}


class FieldDayInput(FieldDayBase, CheckedInput):
    """A field day as its leader records it. ``day_at`` is aware: its local date in the org time zone is the day
    counted. A text over its limit is "A text field is longer than {n} characters." with that field's limit."""


@dataclass
class QuotaProgress:
    year: int
    done: int
    quota: int
    expected_by_now: int  # the quota spread evenly over the year, rounded down

    @property
    def behind(self) -> bool:
        """The overdue reminder: fewer days than the even pace asks for by now."""
        return self.done < self.expected_by_now

    @property
    def share(self) -> float:
        return min(1.0, self.done / self.quota) if self.quota else 1.0


def quota_for(user: User) -> int | None:
    """Days per year asked of a leader at their level; None for users without the leadership flag."""
    if not user.is_leader:
        return None
    settings = get_settings()
    return settings.field_day_quota_level2 if (user.leader_level or 1) >= 2 else settings.field_day_quota_level1


def _check_leader(actor: User) -> None:
    if not actor.active or not actor.is_leader:
        raise Forbidden(N_("Only leaders record field days."))


def _local_day_bounds(moment: datetime, tz: str) -> tuple[datetime, datetime]:
    local = moment.astimezone(ZoneInfo(tz))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def record_field_day(session: Session, actor: User, data: FieldDayInput, now: datetime | None = None) -> FieldDay:
    _check_leader(actor)
    now = now or utcnow()
    if data.day_at.tzinfo is None:
        raise InvalidInput(N_("Enter the date."))
    if data.day_at > now + timedelta(days=1):
        raise InvalidInput(N_("A field day cannot be in the future."))
    data = data.model_copy(update={field: getattr(data, field).strip()
                                   for field in ("place", "purpose", "learned", "problems")})
    if not data.place:
        raise InvalidInput(N_("Name the place."))
    check_lengths(data)  # a copy is not validated: check what will be stored
    start, end = _local_day_bounds(data.day_at, get_settings().time_zone)
    same_day = session.exec(select(FieldDay.id).where(FieldDay.user_id == actor.id, FieldDay.day_at >= start,
                                                      FieldDay.day_at < end)).first()
    if same_day is not None:
        raise InvalidInput(N_("You already recorded a field day on this date."))
    day = FieldDay(user_id=actor.id, day_at=data.day_at, place=data.place, purpose=data.purpose,  # type: ignore[arg-type]
                   learned=data.learned, problems=data.problems, created_at=now)
    session.add(day)
    session.flush()
    audit.record(session, actor, "field_day.create", "fieldday", day.id)
    return day


def my_field_days(session: Session, actor: User, year: int) -> list[FieldDay]:
    start, end = year_bounds(year)
    return list(session.exec(select(FieldDay).where(FieldDay.user_id == actor.id, FieldDay.day_at >= start,
                                                    FieldDay.day_at < end)
                             .order_by(col(FieldDay.day_at).desc())).all())


def count_field_days(session: Session, user_id: int, year: int) -> int:
    start, end = year_bounds(year)
    return session.exec(select(func.count()).select_from(FieldDay).where(
        FieldDay.user_id == user_id, FieldDay.day_at >= start, FieldDay.day_at < end)).one()


def quota_progress(session: Session, user: User, year: int | None = None,
                   now: datetime | None = None) -> QuotaProgress | None:
    now = now or utcnow()
    quota = quota_for(user)
    if quota is None:
        return None
    year = year or year_of(now)
    expected = math.floor(quota * share_of_year_elapsed(year, now=now))
    return QuotaProgress(year, count_field_days(session, user.id, year), quota, expected)  # type: ignore[arg-type]


def requests_of(session: Session, field_day_ids: list[int]) -> dict[int, list[ServiceRequest]]:
    if not field_day_ids:
        return {}
    rows = session.exec(select(FieldDayRequest.field_day_id, ServiceRequest)
                        .join(ServiceRequest, col(ServiceRequest.id) == FieldDayRequest.request_id)
                        .where(col(FieldDayRequest.field_day_id).in_(field_day_ids))
                        .order_by(ServiceRequest.id)).all()
    found: dict[int, list[ServiceRequest]] = {}
    for day_id, request in rows:
        found.setdefault(day_id, []).append(request)
    return found


def raise_request_from_field_day(session: Session, actor: User, field_day_id: int, category_id: int,
                                 description: str, now: datetime | None = None) -> ServiceRequest:
    """A problem taken up at the contact point becomes a request of the leader's area (source: service point)."""
    _check_leader(actor)
    day = session.get(FieldDay, field_day_id)
    if day is None or day.user_id != actor.id:
        raise NotFound(N_("Field day not found."))
    if actor.area_id is None:
        raise InvalidInput(N_("Choose an area."))
    category = _active_category(session, category_id)
    request = create_request(session, category=category, description=_check_description(description),
                             source=RequestSource.service_point, area_id=actor.area_id, actor=actor, now=now)
    session.add(FieldDayRequest(field_day_id=day.id, request_id=request.id))  # type: ignore[arg-type]
    session.flush()
    return request
