"""A member's annual record: every figure counted in SQL over the real tables for one org-time-zone
year, the coordinator's area summary, and the XLSX / PDF exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl.utils import get_column_letter
from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from core.i18n import N_
from models import (
    AssignmentStatus,
    Attendance,
    Commitment,
    CommitmentStatus,
    Event,
    EventStatus,
    FieldDay,
    Pairing,
    PostAssignment,
    Rating,
    RequestStatus,
    Role,
    Satisfaction,
    ServicePost,
    ServiceRequest,
    Signup,
    SignupStatus,
    User,
    Visit,
)
from models.common import utcnow
from services import audit
from services.callbacks.satisfaction import Figure, Source, callback_scores, describe, headline, requests_figure
from services.errors import Forbidden, InvalidInput, NotFound
from services.events.served_hours import attendance_hours
from services.org.areas import area_label, area_within
from services.org.calendar_year import year_bounds
from services.policy import MANAGERS, YEAR_KEEPERS, area_scope, holds
from services.spreadsheets.writer import Sheet, xlsx_bytes
from services.visits.review.counting import tally_columns
from services.year.field_days import quota_for

PDF_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
Translate = Callable[[str], str]


@dataclass
class AnnualRecord:
    member_id: int
    name: str
    area: str
    year: int
    households_paired: int = 0
    visits: int = 0
    visits_verified: int = 0
    visits_counted: int = 0  # services.visits.review.counting
    visits_pending: int = 0
    visits_rejected: int = 0
    requests_raised: int = 0
    requests_resolved: int = 0
    requests_resolved_on_time: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    not_satisfied: int = 0
    commitments: int = 0
    commitments_kept: int = 0
    commitments_not_kept: int = 0
    events_attended: int = 0
    event_hours: float = 0.0
    posts: list[str] = field(default_factory=list)
    field_days: int | None = None  # None: not a leader
    field_day_quota: int | None = None
    callback_scores: list[int] = field(default_factory=list)  # households' 1-5 on callbacks about this member

    @property
    def callback_satisfaction(self) -> Figure:
        return Figure(Source.callbacks, list(self.callback_scores))

    @property
    def request_satisfaction(self) -> Figure:
        return requests_figure(self.satisfied, self.basically_satisfied, self.not_satisfied)

    @property
    def verified_share(self) -> float | None:
        return self.visits_verified / self.visits if self.visits else None

    @property
    def on_time_share(self) -> float | None:
        return self.requests_resolved_on_time / self.requests_resolved if self.requests_resolved else None

    @property
    def ratings(self) -> int:
        return self.satisfied + self.basically_satisfied + self.not_satisfied

    @property
    def satisfaction_share(self) -> float | None:
        """Satisfied or basically satisfied, of all the residents' ratings of this member's answers."""
        return (self.satisfied + self.basically_satisfied) / self.ratings if self.ratings else None


# --- who may read which record ---------------------------------------------------------------

def _member_or_404(session: Session, actor: User, member_id: int) -> User:
    member = session.get(User, member_id)
    if member is None or member.role not in YEAR_KEEPERS:
        raise NotFound(N_("Member not found."))
    if member.id == actor.id and actor.active:
        return member
    if actor.active and (actor.role == Role.admin or (
            actor.role == Role.coordinator and area_within(session, member.area_id, actor.area_id))):
        return member
    raise NotFound(N_("Member not found."))


def annual_record(session: Session, actor: User, member_id: int, year: int,
                  now: datetime | None = None) -> AnnualRecord:
    """One member's record; a coordinator's or admin's reading of someone else's is audited."""
    member = _member_or_404(session, actor, member_id)
    if member.id != actor.id:
        audit.record(session, actor, "annual_record.read", "user", member.id)
    return _records(session, [member], year, now)[0]


def area_summary(session: Session, actor: User, year: int, now: datetime | None = None) -> list[AnnualRecord]:
    """Every member of the coordinator's area (members and leaders), one row each."""
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("Only coordinators see the area summary."))
    query = select(User).where(col(User.role).in_(YEAR_KEEPERS), col(User.active).is_(True))
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, User.area_id))
    members = list(session.exec(query.order_by(User.name)).all())
    audit.record(session, actor, "annual_record.summary", "area", actor.area_id or "")
    return _records(session, members, year, now)


# --- the figures -----------------------------------------------------------------------------

def _records(session: Session, members: list[User], year: int, now: datetime | None = None) -> list[AnnualRecord]:
    now = now or utcnow()
    start, end = year_bounds(year)
    ids = [m.id for m in members if m.id is not None]
    records = {m.id: AnnualRecord(m.id, m.name, area_label(session, m.area_id), year)  # type: ignore[misc]
               for m in members}
    if not ids:
        return []
    _add_pairings(session, records, ids, start, end)
    _add_visits(session, records, ids, start, end)
    _add_requests(session, records, ids, start, end)
    _add_ratings(session, records, ids, start, end)
    for member_id, scores in callback_scores(session, ids, start, end).items():
        records[member_id].callback_scores = scores
    _add_commitments(session, records, ids, year)
    _add_event_hours(session, records, ids, start, end, now)
    _add_posts(session, records, ids, start, end)
    _add_field_days(session, records, members, start, end)
    return [records[i] for i in ids]


def _add_pairings(session: Session, records: dict[int, AnnualRecord], ids: list[int], start: datetime,
                  end: datetime) -> None:
    """Households paired with each member at any moment of the year."""
    for member_id, n in session.exec(
            select(Pairing.member_id, func.count(func.distinct(Pairing.household_id)))
            .where(col(Pairing.member_id).in_(ids), Pairing.started_at < end,
                   or_(col(Pairing.ended_at).is_(None), col(Pairing.ended_at) >= start))
            .group_by(Pairing.member_id)).all():
        records[member_id].households_paired = n


def _add_visits(session: Session, records: dict[int, AnnualRecord], ids: list[int], start: datetime,
                end: datetime) -> None:
    """Visits made in the year, verified, counted, waiting for review and rejected."""
    for member_id, n, verified, counted, pending, rejected in session.exec(
            select(Visit.member_id, func.count(), func.sum(case((col(Visit.verified).is_(True), 1), else_=0)),
                   *tally_columns())
            .where(col(Visit.member_id).in_(ids), Visit.visited_at >= start, Visit.visited_at < end)
            .group_by(Visit.member_id)).all():
        record = records[member_id]
        record.visits, record.visits_verified = n, int(verified or 0)
        record.visits_counted, record.visits_pending, record.visits_rejected = int(counted), int(pending), int(rejected)


def _add_requests(session: Session, records: dict[int, AnnualRecord], ids: list[int], start: datetime,
                  end: datetime) -> None:
    """Requests raised, and resolved (on time or not) as the assignee, in the year."""
    for member_id, n in session.exec(
            select(ServiceRequest.raised_by_id, func.count())
            .where(col(ServiceRequest.raised_by_id).in_(ids), ServiceRequest.created_at >= start,
                   ServiceRequest.created_at < end)
            .group_by(ServiceRequest.raised_by_id)).all():
        records[member_id].requests_raised = n

    # Resolved by the member (as assignee) within the year; on time: closed by the promised time.
    on_time = case((col(ServiceRequest.closed_at) <= col(ServiceRequest.due_at), 1), else_=0)
    for member_id, n, timely in session.exec(
            select(ServiceRequest.assignee_id, func.count(), func.sum(on_time))
            .where(col(ServiceRequest.assignee_id).in_(ids), ServiceRequest.status == RequestStatus.resolved,
                   col(ServiceRequest.closed_at) >= start, col(ServiceRequest.closed_at) < end)
            .group_by(ServiceRequest.assignee_id)).all():
        records[member_id].requests_resolved, records[member_id].requests_resolved_on_time = n, int(timely or 0)


def _add_ratings(session: Session, records: dict[int, AnnualRecord], ids: list[int], start: datetime,
                 end: datetime) -> None:
    """Residents' ratings of the answers each member gave."""
    for member_id, satisfaction, n in session.exec(
            select(Rating.assignee_id, Rating.satisfaction, func.count())
            .where(col(Rating.assignee_id).in_(ids), Rating.at >= start, Rating.at < end)
            .group_by(Rating.assignee_id, Rating.satisfaction)).all():
        record = records[member_id]
        if satisfaction == Satisfaction.satisfied:
            record.satisfied = n
        elif satisfaction == Satisfaction.basically_satisfied:
            record.basically_satisfied = n
        else:
            record.not_satisfied = n


def _add_commitments(session: Session, records: dict[int, AnnualRecord], ids: list[int], year: int) -> None:
    """Commitments of the year: made, kept, not kept."""
    for member_id, status, n in session.exec(
            select(Commitment.member_id, Commitment.status, func.count())
            .where(col(Commitment.member_id).in_(ids), Commitment.year == year)
            .group_by(Commitment.member_id, Commitment.status)).all():
        record = records[member_id]
        record.commitments += n
        if status == CommitmentStatus.kept:
            record.commitments_kept = n
        elif status == CommitmentStatus.not_kept:
            record.commitments_not_kept = n


def _add_event_hours(session: Session, records: dict[int, AnnualRecord], ids: list[int], start: datetime,
                     end: datetime, now: datetime) -> None:
    """Events attended and hours served in the year."""
    # Event hours: the rows come from SQL, the hours rule (corrections win, check-in to check-out)
    # is the one the roster and the volunteers' hours use.
    for signup, event, attendance in session.exec(
            select(Signup, Event, Attendance)
            .join(Event, col(Event.id) == Signup.event_id)
            .outerjoin(Attendance, col(Attendance.signup_id) == Signup.id)
            .where(col(Signup.user_id).in_(ids), Signup.status == SignupStatus.confirmed,
                   Event.status == EventStatus.published, Event.starts_at >= start, Event.starts_at < end)).all():
        hours = attendance_hours(attendance, event, now)
        if hours > 0:
            record = records[signup.user_id]
            record.events_attended += 1
            record.event_hours = round(record.event_hours + hours, 2)


def _add_posts(session: Session, records: dict[int, AnnualRecord], ids: list[int], start: datetime,
               end: datetime) -> None:
    """Service posts held at any moment of the year."""
    for member_id, name in session.exec(
            select(PostAssignment.member_id, ServicePost.name)
            .join(ServicePost, col(ServicePost.id) == PostAssignment.post_id)
            .where(col(PostAssignment.member_id).in_(ids), PostAssignment.status != AssignmentStatus.applied,
                   col(PostAssignment.assigned_at) < end,
                   or_(col(PostAssignment.ended_at).is_(None), col(PostAssignment.ended_at) >= start))
            .order_by(ServicePost.name)).all():
        if name not in records[member_id].posts:
            records[member_id].posts.append(name)


def _add_field_days(session: Session, records: dict[int, AnnualRecord], members: list[User], start: datetime,
                    end: datetime) -> None:
    """Field days of the leaders who have a quota."""
    leaders = [m for m in members if quota_for(m) is not None]
    for member in leaders:
        records[member.id].field_days, records[member.id].field_day_quota = 0, quota_for(member)
    if leaders:
        for member_id, n in session.exec(
                select(FieldDay.user_id, func.count())
                .where(col(FieldDay.user_id).in_([m.id for m in leaders]), FieldDay.day_at >= start,
                       FieldDay.day_at < end)
                .group_by(FieldDay.user_id)).all():
            records[member_id].field_days = n


# --- presentation shared by the page and the exports -----------------------------------------

def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def record_rows(record: AnnualRecord, tr: Translate = lambda s: s) -> list[tuple[str, str]]:
    """(label, value) lines, translated with ``tr``: the same lines on screen, in XLSX and in PDF."""
    rows = [
        (tr(N_("Households paired")), str(record.households_paired)),
        (tr(N_("Visits")), str(record.visits)),
        (tr(N_("Visits counted")), tr(N_("{counted} counted, {pending} pending review, {rejected} rejected")).format(
            counted=record.visits_counted, pending=record.visits_pending, rejected=record.visits_rejected)),
        (tr(N_("Verified visits")), f"{record.visits_verified} ({_percent(record.verified_share)})"),
        (tr(N_("Requests raised")), str(record.requests_raised)),
        (tr(N_("Requests resolved")), str(record.requests_resolved)),
        (tr(N_("Resolved on time")), f"{record.requests_resolved_on_time} ({_percent(record.on_time_share)})"),
        (tr(N_("Residents' ratings")), tr(N_("{s} satisfied, {b} basically, {n} not satisfied")).format(
            s=record.satisfied, b=record.basically_satisfied, n=record.not_satisfied)),
        (tr(N_("Residents' satisfaction")), describe(record.request_satisfaction, tr)),
        (tr(N_("Satisfaction in callbacks")), describe(record.callback_satisfaction, tr)),
        (tr(N_("Commitments kept")), tr(N_("{kept} of {total} ({not_kept} not kept)")).format(
            kept=record.commitments_kept, total=record.commitments, not_kept=record.commitments_not_kept)),
        (tr(N_("Events attended")), str(record.events_attended)),
        (tr(N_("Event hours")), f"{record.event_hours:g}"),
        (tr(N_("Service post")), "、".join(record.posts) or "—"),
    ]
    if record.field_days is not None:
        rows.append((tr(N_("Field days")), f"{record.field_days} / {record.field_day_quota}"))
    return rows


SUMMARY_HEADERS = [N_("Member"), N_("Households paired"), N_("Visits"), N_("Visits counted"), N_("Pending review"),
                   N_("Rejected"), N_("Verified visits"), N_("Requests raised"),
                   N_("Requests resolved"), N_("Resolved on time"), N_("Residents' satisfaction"),
                   N_("Satisfaction in callbacks"),
                   N_("Commitments kept"), N_("Event hours"), N_("Service post"), N_("Field days")]


def summary_table(records: list[AnnualRecord], tr: Translate = lambda s: s) -> list[list[str | int | float]]:
    table: list[list[str | int | float]] = [[tr(h) for h in SUMMARY_HEADERS]]
    for r in records:
        table.append([r.name, r.households_paired, r.visits, r.visits_counted, r.visits_pending, r.visits_rejected,
                      _percent(r.verified_share), r.requests_raised,
                      r.requests_resolved, _percent(r.on_time_share), headline(r.request_satisfaction, tr),
                      headline(r.callback_satisfaction, tr),
                      f"{r.commitments_kept}/{r.commitments}", r.event_hours, "、".join(r.posts),
                      "" if r.field_days is None else f"{r.field_days}/{r.field_day_quota}"])
    return table


def to_xlsx(title: str, table: list[list[str | int | float]]) -> bytes:
    widths = {get_column_letter(index): 22 for index in range(1, max(len(row) for row in table) + 1)}
    return xlsx_bytes(Sheet("Record", [[title], *table], widths))


def to_pdf(title: str, table: list[list[str | int | float]], font: Path = PDF_FONT) -> bytes:
    """A one-table PDF. Chinese needs a CJK font: Debian's fonts-wqy-microhei."""
    if not font.is_file():
        raise InvalidInput(N_("PDF export needs the font {path} (Debian package fonts-wqy-microhei). "
                              "Export XLSX instead."), path=str(font))
    from fpdf import FPDF

    pdf = FPDF(orientation="L" if len(table[0]) > 4 else "P")
    pdf.add_font("cjk", fname=str(font), collection_font_number=0)
    pdf.add_font("cjk", style="B", fname=str(font), collection_font_number=0)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, title)
    pdf.ln(2)
    pdf.set_font("cjk", size=9 if len(table[0]) > 4 else 11)
    with pdf.table(line_height=7) as pdf_table:
        for row in table:
            cells = pdf_table.row()
            for value in row:
                cells.cell(str(value))
    return bytes(pdf.output())
