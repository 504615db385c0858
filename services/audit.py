"""Writing and reading the audit trail. There is deliberately no update or delete function.

The database refuses UPDATE and DELETE on the audit table (triggers, migration 0050). Entries
hold who (actor id), what (action), which record (type and id), when (UTC) and the outcome —
never the content of the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.i18n import N_
from models import AuditEntry, Role, User
from services.errors import Forbidden
from services.spreadsheets.writer import csv_bytes

MAX_EXPORT_ROWS = 100_000


def record(
    session: Session,
    actor: User | int | None,
    action: str,
    record_type: str = "",
    record_id: str | int = "",
    outcome: str = "ok",
) -> None:
    actor_id = actor.id if isinstance(actor, User) else actor
    session.add(
        AuditEntry(actor_id=actor_id, action=action, record_type=record_type, record_id=str(record_id),
                   outcome=outcome)
    )


@dataclass
class AuditFilters:
    actor_id: int | None = None
    action: str = ""  # exact action, or a prefix ending in "." (e.g. "login.")
    record_type: str = ""
    record_id: str = ""
    date_from: datetime | None = None  # aware, inclusive
    date_to: datetime | None = None  # aware, exclusive


@dataclass
class AuditRow:
    entry: AuditEntry
    actor_name: str
    actor_username: str


def _check_admin(actor: User) -> None:
    if not actor.active or actor.role != Role.admin:
        raise Forbidden(N_("Only administrators can read the audit log."))


def _filtered(query, filters: AuditFilters):
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    action = filters.action.strip()
    if action.endswith("."):
        query = query.where(col(AuditEntry.action).startswith(action))
    elif action:
        query = query.where(AuditEntry.action == action)
    if filters.record_type.strip():
        query = query.where(AuditEntry.record_type == filters.record_type.strip())
    if filters.record_id.strip():
        query = query.where(AuditEntry.record_id == filters.record_id.strip())
    if filters.date_from is not None:
        query = query.where(AuditEntry.at >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(AuditEntry.at < filters.date_to)
    return query


def search(session: Session, actor: User, filters: AuditFilters | None = None, limit: int = 50,
           offset: int = 0) -> tuple[list[AuditRow], int]:
    """One page of entries, newest first, and how many match in all. Admins only."""
    _check_admin(actor)
    filters = filters or AuditFilters()
    total = session.exec(_filtered(select(func.count(AuditEntry.id)), filters)).one()
    query = (
        _filtered(select(AuditEntry, User.name, User.username), filters)
        .join(User, User.id == AuditEntry.actor_id, isouter=True)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit).offset(offset)
    )
    rows = [AuditRow(entry, name or "", username or "") for entry, name, username in session.exec(query).all()]
    return rows, int(total)


def action_names(session: Session, actor: User) -> list[str]:
    _check_admin(actor)
    return sorted(session.exec(select(AuditEntry.action).distinct()).all())


def export_csv(session: Session, actor: User, filters: AuditFilters | None = None) -> bytes:
    """The matching entries as CSV (UTF-8 with BOM for spreadsheets). The export is itself audited."""
    rows, total = search(session, actor, filters, limit=MAX_EXPORT_ROWS)
    table: list[list[object]] = [["id", "at_utc", "actor_id", "actor_username", "actor_name", "action",
                                  "record_type", "record_id", "outcome"]]
    for row in rows:
        e = row.entry
        table.append([e.id, e.at.isoformat(), e.actor_id, row.actor_username, row.actor_name, e.action,
                      e.record_type, e.record_id, e.outcome])
    record(session, actor, "audit.export", "auditentry", str(min(total, MAX_EXPORT_ROWS)))
    return csv_bytes(table)
