"""API tokens: issued, reused while fresh, refused once expired, revoked or the account has ended."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from core.db import session_scope
from models import ApiToken
from models.common import utcnow
from services.api_tokens import issue_token, revoke_tokens_for, session_token, user_for_token
from services.users import set_active
from tests.helpers import account


def test_only_the_hash_is_stored_and_the_token_finds_its_user(demo: Session) -> None:
    with session_scope() as session:
        issued = issue_token(session, account(session, "member1"))
    demo.rollback()
    rows = demo.exec(select(ApiToken)).all()
    assert [r.token_hash for r in rows] != [issued.raw] and issued.raw not in {r.token_hash for r in rows}
    with session_scope() as session:
        assert user_for_token(session, issued.raw).username == "member1"  # type: ignore[union-attr]
        assert user_for_token(session, issued.raw + "x") is None


def test_expired_tokens_are_refused(demo: Session) -> None:
    with session_scope() as session:
        issued = issue_token(session, account(session, "member1"), now=utcnow() - timedelta(hours=72, seconds=1))
    with session_scope() as session:
        assert user_for_token(session, issued.raw) is None


def test_the_browser_keeps_a_fresh_token_and_gets_a_new_one_when_half_used(demo: Session) -> None:
    with session_scope() as session:
        member = account(session, "member1")
        first = session_token(session, member, None)
        assert session_token(session, member, first.raw).raw == first.raw
        later = utcnow() + timedelta(hours=40)
        assert session_token(session, member, first.raw, now=later).raw != first.raw
        other = account(session, "member2")
        assert session_token(session, other, first.raw).raw != first.raw  # never hands over another's token


def test_deactivation_revokes_every_token(demo: Session) -> None:
    with session_scope() as session:
        issued = [issue_token(session, account(session, "member3")).raw for _ in range(2)]
    with session_scope() as session:
        set_active(session, account(session, "admin"), account(session, "member3").id, False)
    with session_scope() as session:
        assert all(user_for_token(session, raw) is None for raw in issued)
        assert revoke_tokens_for(session, account(session, "member3")) == 0  # nothing left to revoke
        revoked = session.exec(select(ApiToken).where(ApiToken.user_id == account(session, "member3").id)).all()
        assert all(r.revoked_at is not None for r in revoked)
