"""The audit log is append-only in the database, searchable by admins, and exportable (audited)."""

from __future__ import annotations

import pytest
from nicegui.testing import User as TestUser
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, func, select

from core.db import get_engine, session_scope
from models import AuditEntry
from services import audit
from services.errors import Forbidden
from tests.helpers import account, sign_in
from tests.helpers.security import submit_sign_in


def test_database_refuses_update_and_delete_of_audit_rows(demo: Session) -> None:
    with session_scope() as s:
        audit.record(s, None, "test.entry", "thing", 1)
    for statement in ("UPDATE auditentry SET action = 'rewritten'", "DELETE FROM auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), get_engine().begin() as conn:
            conn.execute(text(statement))
    demo.rollback()
    assert demo.exec(select(func.count(AuditEntry.id)).where(AuditEntry.action == "test.entry")).one() == 1
    assert demo.exec(select(func.count(AuditEntry.id)).where(AuditEntry.action == "rewritten")).one() == 0


def test_only_admins_search_the_log(demo: Session) -> None:
    with pytest.raises(Forbidden):
        audit.search(demo, account(demo, "coord"))
    rows, total = audit.search(demo, account(demo, "admin"), audit.AuditFilters(action="user."))
    assert total == len(rows) and all(r.entry.action.startswith("user.") for r in rows)


def test_csv_export_neutralises_formulas_and_is_audited(demo: Session) -> None:
    admin = account(demo, "admin")
    with session_scope() as s:
        audit.record(s, admin, "=HYPERLINK(1)", "household", "-2")
    with session_scope() as s:
        data = audit.export_csv(s, s.get(type(admin), admin.id), audit.AuditFilters(actor_id=admin.id))
    text_ = data.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text_ and ",'-2," in text_
    demo.rollback()
    assert demo.exec(select(AuditEntry).where(AuditEntry.action == "audit.export")).first() is not None


async def test_admin_filters_and_exports_the_audit_log(user: TestUser, demo: Session) -> None:
    await submit_sign_in(user, "member1", "wrong-password")
    await user.should_see("Wrong phone number, username or password.", retries=30)
    await sign_in(user, "admin")
    await user.open("/admin/audit")
    await user.should_see("Audit log")
    user.find(marker="audit-action").elements.pop().set_value("login.failure")
    user.find(marker="audit-search").click()
    await user.should_see("1-1 of 1 entries", retries=20)
    user.find(marker="audit-export").click()
    response = await user.download.next(timeout=20)  # the export runs off the event loop
    assert "login.failure" in response.content.decode("utf-8-sig")
    demo.rollback()
    assert demo.exec(select(AuditEntry).where(AuditEntry.action == "audit.export")).first() is not None


async def test_coordinators_cannot_open_the_audit_log(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/audit")
    await user.should_not_see("Export CSV")
