"""Writing the audit trail. There is deliberately no update or delete function."""

from __future__ import annotations

from sqlmodel import Session

from models import AuditEntry, User


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
