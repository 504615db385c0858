"""The coordinators' household list, most overdue first, one page at a time (keyset on last visit, id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, nulls_first, or_
from sqlmodel import Session, col, select

from models import Household, User
from models.common import utcnow
from services.households.records import HouseholdRow, household_query, household_rows
from services.paging.cursor import Page, decode, encode
from services.visits.due import status_code

OVERDUE = 2


def _filtered(session: Session, actor: User, search: str, area_id: int | None, overdue_only: bool,
              interval_days: int, now: datetime):
    query = household_query(session, actor, search, area_id)
    if overdue_only:
        query = query.where(status_code(now, interval_days) == OVERDUE)
    return query


def household_page(session: Session, actor: User, search: str = "", area_id: int | None = None,
                   overdue_only: bool = False, after: str | None = None, size: int = 20, interval_days: int = 30,
                   now: datetime | None = None, lang: str = "zh_CN") -> Page[HouseholdRow]:
    """Never visited first, then the longest since the last visit; the page after the cursor ``after``."""
    now = now or utcnow()
    query = _filtered(session, actor, search, area_id, overdue_only, interval_days, now)
    last, key = col(Household.last_visit_at), col(Household.id)
    start = decode(after)
    if start is not None and start[1].isdigit():
        moment, household_id = start[0], int(start[1])
        if moment is None:  # still among the never visited
            query = query.where(or_(and_(last.is_(None), key > household_id), last.is_not(None)))
        else:
            query = query.where(last.is_not(None), or_(last > moment, and_(last == moment, key > household_id)))
    households = list(session.exec(query.order_by(nulls_first(last.asc()), key.asc()).limit(size + 1)).all())
    more = len(households) > size
    households = households[:size]
    rows = household_rows(session, households, interval_days, now, lang)
    next_after = encode(households[-1].last_visit_at, households[-1].id) if more else None  # type: ignore[arg-type]
    return Page(rows, next_after, None)


def count_households(session: Session, actor: User, search: str = "", area_id: int | None = None,
                     overdue_only: bool = False, interval_days: int = 30, now: datetime | None = None) -> int:
    inner = _filtered(session, actor, search, area_id, overdue_only, interval_days, now or utcnow()) \
        .with_only_columns(Household.id).subquery()
    return int(session.exec(select(func.count()).select_from(inner)).one())
