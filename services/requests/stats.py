"""The coordinator's request dashboard for a period, and its CSV / XLSX export."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.i18n import N_, to_local, translate
from models import Area, Rating, RequestCategory, Satisfaction, ServiceRequest, User
from models.common import utcnow
from models.requests import CLOSED_STATUSES
from services.errors import Forbidden
from services.policy import MANAGERS, holds
from services.requests.feedback import SATISFACTION_LABELS
from services.requests.tracking import SOURCE_LABELS, STATUS_LABELS, category_name, is_overdue, request_scope
from services.spreadsheets.writer import Sheet, csv_bytes, xlsx_bytes


@dataclass
class SatisfactionRow:
    label: str
    satisfied: int = 0
    basically: int = 0
    not_satisfied: int = 0

    @property
    def total(self) -> int:
        return self.satisfied + self.basically + self.not_satisfied

    @property
    def share_satisfied(self) -> float | None:
        """Satisfied or basically satisfied, of all ratings."""
        return (self.satisfied + self.basically) / self.total if self.total else None

    def add(self, satisfaction: Satisfaction) -> None:
        if satisfaction == Satisfaction.satisfied:
            self.satisfied += 1
        elif satisfaction == Satisfaction.basically_satisfied:
            self.basically += 1
        else:
            self.not_satisfied += 1


@dataclass
class Dashboard:
    """Figures for requests raised in [start, end): local days of the org time zone, end exclusive."""

    start: datetime
    end: datetime
    raised: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    median_hours_to_close: float | None = None
    on_time_share: float | None = None
    by_category: list[SatisfactionRow] = field(default_factory=list)
    by_member: list[SatisfactionRow] = field(default_factory=list)


def period_bounds(first_day: date, last_day: date, tz: str) -> tuple[datetime, datetime]:
    """Midnight at the start of first_day to midnight after last_day, in the org time zone."""
    zone = ZoneInfo(tz)
    return (datetime.combine(first_day, time(0), tzinfo=zone),
            datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone))


def _check(actor: User) -> None:
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("Only coordinators can see the request dashboard."))


def _requests_in(session: Session, actor: User, start: datetime, end: datetime) -> list[ServiceRequest]:
    return list(session.exec(
        select(ServiceRequest).where(request_scope(session, actor), ServiceRequest.created_at >= start,
                                     ServiceRequest.created_at < end).order_by(ServiceRequest.created_at)
    ).all())


def build_dashboard(session: Session, actor: User, first_day: date, last_day: date, tz: str, lang: str,
                    now: datetime | None = None) -> Dashboard:
    _check(actor)
    now = now or utcnow()
    start, end = period_bounds(first_day, last_day, tz)
    requests = _requests_in(session, actor, start, end)
    board = Dashboard(start=start, end=end, raised=len(requests))
    closed = [r for r in requests if r.status in CLOSED_STATUSES and r.closed_at is not None]
    board.open = sum(1 for r in requests if r.status not in CLOSED_STATUSES)
    board.overdue = sum(1 for r in requests if is_overdue(r, now))
    board.closed = len(closed)
    if closed:
        board.median_hours_to_close = statistics.median(
            (r.closed_at - r.created_at).total_seconds() / 3600 for r in closed)  # type: ignore[operator]
        board.on_time_share = sum(1 for r in closed if r.closed_at <= r.due_at) / len(closed)  # type: ignore[operator]
    ids = [r.id for r in requests]
    ratings = list(session.exec(select(Rating).where(col(Rating.request_id).in_(ids)))) if ids else []
    by_request = {r.id: r for r in requests}
    cats = {c.id: category_name(c, lang) for c in session.exec(select(RequestCategory)).all()}
    people = {u.id: u.name for u in session.exec(select(User).where(
        col(User.id).in_({x.assignee_id for x in ratings if x.assignee_id}))).all()} if ratings else {}
    by_cat: dict[str, SatisfactionRow] = {}
    by_member: dict[str, SatisfactionRow] = {}
    for rating in ratings:
        request = by_request[rating.request_id]
        label = cats.get(request.category_id, "?")
        by_cat.setdefault(label, SatisfactionRow(label)).add(rating.satisfaction)
        who = people.get(rating.assignee_id, translate(N_("Not assigned"), lang))  # type: ignore[arg-type]
        by_member.setdefault(who, SatisfactionRow(who)).add(rating.satisfaction)
    board.by_category = sorted(by_cat.values(), key=lambda r: r.label)
    board.by_member = sorted(by_member.values(), key=lambda r: r.label)
    return board


# --- export ----------------------------------------------------------------------------------

EXPORT_HEADERS = [N_("Number"), N_("Raised"), N_("Category"), N_("Source"), N_("Area"), N_("Status"),
                  N_("Assigned to"), N_("Due"), N_("Closed"), N_("On time"), N_("Rating"), N_("Rating comment")]


def export_rows(session: Session, actor: User, first_day: date, last_day: date, tz: str, lang: str,
                now: datetime | None = None) -> list[list[str]]:
    """One row per request raised in the period; no resident names or phone numbers."""
    _check(actor)
    now = now or utcnow()
    start, end = period_bounds(first_day, last_day, tz)
    requests = _requests_in(session, actor, start, end)
    ids = [r.id for r in requests]
    latest: dict[int, Rating] = {}
    if ids:
        for rating in session.exec(select(Rating).where(col(Rating.request_id).in_(ids)).order_by(Rating.at)).all():
            latest[rating.request_id] = rating
    cats = {c.id: category_name(c, lang) for c in session.exec(select(RequestCategory)).all()}
    areas = {a.id: a.name for a in session.exec(select(Area)).all()}
    people = {u.id: u.name for u in session.exec(select(User).where(
        col(User.id).in_({r.assignee_id for r in requests if r.assignee_id}))).all()} if requests else {}

    def when(dt: datetime | None) -> str:
        return to_local(dt, tz).strftime("%Y-%m-%d %H:%M") if dt else ""

    def tr(text: str) -> str:
        return translate(text, lang)

    rows = [[tr(h) for h in EXPORT_HEADERS]]
    for r in requests:
        rating = latest.get(r.id)  # type: ignore[arg-type]
        if r.closed_at is not None:
            on_time = tr(N_("Yes")) if r.closed_at <= r.due_at else tr(N_("No"))
        else:
            on_time = tr(N_("Overdue")) if is_overdue(r, now) else ""
        rows.append([
            f"#{r.id}", when(r.created_at), cats.get(r.category_id, ""), tr(SOURCE_LABELS[r.source]),
            areas.get(r.area_id, ""), tr(STATUS_LABELS[r.status]), people.get(r.assignee_id, ""),  # type: ignore[arg-type]
            when(r.due_at), when(r.closed_at), on_time,
            tr(SATISFACTION_LABELS[rating.satisfaction]) if rating else "", rating.comment if rating else "",
        ])
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    return csv_bytes(rows)


def to_xlsx(rows: list[list[str]], summary: list[tuple[str, str]]) -> bytes:
    return xlsx_bytes(Sheet("Summary", summary, {"A": 36}),
                      Sheet("Requests", rows, dict.fromkeys("ABCDEFGHIJKL", 18)))
