"""A date range split into whole months and whole days (read from the rollups) and leftover instants
(read from the visits themselves), all in the organisation's time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, false, or_
from sqlalchemy.sql import ColumnElement

from services.rollups.keys import day_of


def midnight_on_or_after(when: datetime, tz: ZoneInfo) -> datetime:
    local = when.astimezone(tz)
    start = datetime(local.year, local.month, local.day, tzinfo=tz)
    return start if start == local else _next_day(start, tz)


def midnight_on_or_before(when: datetime, tz: ZoneInfo) -> datetime:
    local = when.astimezone(tz)
    return datetime(local.year, local.month, local.day, tzinfo=tz)


def _next_day(day: datetime, tz: ZoneInfo) -> datetime:
    nxt = (day + timedelta(days=1, hours=12)).astimezone(tz)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)


def _month_on_or_after(day: datetime, tz: ZoneInfo) -> datetime:
    if day.day == 1:
        return day
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime(year, month, 1, tzinfo=tz)


def _month_int(day: datetime) -> int:
    return day.year * 100 + day.month


@dataclass
class Split:
    """``months``/``days``: [from, to) as YYYYMM / YYYYMMDD ints (None: open); ``raw``: [start, end) instants."""

    months: tuple[int | None, int | None] | None = None
    days: list[tuple[int | None, int | None]] = field(default_factory=list)
    raw: list[tuple[datetime | None, datetime | None]] = field(default_factory=list)

    def where(self, unit_col: object, period_col: object) -> ColumnElement[bool]:
        """Rows of the rollup table inside the whole months and days (each visit is in one M and one D row)."""
        parts = []
        if self.months is not None:
            parts.append(_between(unit_col, "M", period_col, *self.months))
        parts += [_between(unit_col, "D", period_col, lo, hi) for lo, hi in self.days]
        return or_(*parts) if parts else false()


def _between(unit_col: object, unit: str, period_col: object, lo: int | None, hi: int | None) -> ColumnElement[bool]:
    clauses = [unit_col == unit]  # type: ignore[operator]
    if lo is not None:
        clauses.append(period_col >= lo)  # type: ignore[operator]
    if hi is not None:
        clauses.append(period_col < hi)  # type: ignore[operator]
    return and_(*clauses)


def split(date_from: datetime | None, date_to: datetime | None, tz: ZoneInfo) -> Split:
    """Whole months where they fit, whole days around them, raw instants at the ragged ends."""
    out = Split()
    first = midnight_on_or_after(date_from, tz) if date_from is not None else None
    last = midnight_on_or_before(date_to, tz) if date_to is not None else None
    if first is not None and last is not None and first >= last:  # within one day (or two partial ones)
        out.raw.append((date_from, date_to))
        return out
    if date_from is not None and first is not None and first != date_from.astimezone(tz):
        out.raw.append((date_from, first))
    if date_to is not None and last is not None and last != date_to.astimezone(tz):
        out.raw.append((last, date_to))
    m_first = _month_on_or_after(first, tz) if first is not None else None
    m_last = datetime(last.year, last.month, 1, tzinfo=tz) if last is not None else None
    if m_first is not None and m_last is not None and m_first >= m_last:
        out.days.append((day_of(first, tz), day_of(last, tz)))  # type: ignore[arg-type]
        return out
    if first is not None and m_first is not None and m_first != first:
        out.days.append((day_of(first, tz), day_of(m_first, tz)))
    if last is not None and m_last is not None and m_last != last:
        out.days.append((day_of(m_last, tz), day_of(last, tz)))
    out.months = (_month_int(m_first) if m_first else None, _month_int(m_last) if m_last else None)
    return out
