"""An admin removes a lost second factor from /admin/users/{id}; the reset is audited."""

from __future__ import annotations

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import AuditEntry, User
from tests.helpers import account, sign_in


async def test_admin_resets_a_users_second_factor(user: TestUser, demo: Session) -> None:
    with session_scope() as s:
        member = account(s, "member1")
        member.totp_secret, member.totp_enabled = "JBSWY3DPEHPK3PXP", True
        s.add(member)
        s.commit()
        member_id = member.id
    await sign_in(user, "coord")  # a coordinator may manage the account but not reset its second factor
    await user.open(f"/admin/users/{member_id}")
    await user.should_see(marker="save-account")
    await user.should_not_see(marker="reset-totp")
    await sign_in(user, "admin")
    await user.open(f"/admin/users/{member_id}")
    user.find(marker="reset-totp").click()
    await user.should_see(marker="totp-was-reset")
    demo.rollback()
    stored = demo.get(User, member_id)
    assert not stored.totp_enabled and stored.totp_secret is None
    assert demo.exec(select(AuditEntry).where(AuditEntry.action == "user.totp_reset",
                                              AuditEntry.record_id == str(member_id))).first()
