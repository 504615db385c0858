"""The coordinators' visit list, newest first, one page at a time (keyset on visited_at, id)."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from models import Household, User, Visit
from services.paging.cursor import Page, decode, encode
from services.visits.records import VisitFilters, visit_conditions, visit_query

VisitRow = tuple[Visit, Household, User]
PAGE_SIZE = 20


def _cursor(row: VisitRow) -> str:
    return encode(row[0].visited_at, row[0].id)


def visit_page(session: Session, actor: User, filters: VisitFilters | None = None, after: str | None = None,
               before: str | None = None, size: int = PAGE_SIZE) -> Page[VisitRow]:
    """The page of visits just after the cursor ``after`` (older) or just before ``before`` (newer), else the first."""
    query = visit_query(session, actor, filters)
    at = col(Visit.visited_at)
    key = col(Visit.id)
    start, end = decode(after), decode(before)
    if end is not None and end[0] is not None:
        moment, visit_id = end
        rows = list(session.exec(
            query.where(at >= moment, or_(at > moment, key > visit_id))
            .order_by(at.asc(), key.asc()).limit(size + 1)).all())
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return Page(rows, _cursor(rows[-1]) if rows else None, _cursor(rows[0]) if rows and more_before else None)
    if start is not None and start[0] is not None:
        moment, visit_id = start
        query = query.where(at <= moment, or_(at < moment, key < visit_id))  # the first term walks the index
    rows = list(session.exec(query.order_by(at.desc(), key.desc()).limit(size + 1)).all())
    more_after = len(rows) > size
    rows = rows[:size]
    return Page(rows, _cursor(rows[-1]) if more_after else None,
                _cursor(rows[0]) if rows and start is not None and start[0] is not None else None)


def count_visits(session: Session, actor: User, filters: VisitFilters | None = None) -> int:
    """How many visits match (shown above the list)."""
    return int(session.exec(select(func.count()).select_from(Visit).where(*visit_conditions(session, actor, filters)))
               .one())
