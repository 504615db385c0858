"""API tokens: issued, reused while fresh, refused once expired, revoked or the account has ended."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from core.config import get_settings
from core.db import make_engine, session_scope, upgrade_schema
from models import ApiToken
from models.common import utcnow
from services.accounts.api_tokens import issue_token, revoke_tokens_for, session_token, user_for_token
from services.accounts.users import set_active
from services.backup import create_backup, restore_backup
from tests.helpers import account
from tests.helpers.databases import SERVER_URL


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


def test_a_token_ends_when_unused_for_the_session_idle_limit(demo: Session) -> None:
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    start = utcnow()
    with session_scope() as session:
        issued = issue_token(session, account(session, "member1"), now=start)
    with session_scope() as session:  # used regularly: stays valid past one idle period
        for step in range(1, 4):
            assert user_for_token(session, issued.raw, now=start + step * idle * 0.9) is not None
    with session_scope() as session:
        assert user_for_token(session, issued.raw, now=start + 3 * idle * 0.9 + idle + timedelta(minutes=6)) is None


@pytest.mark.skipif(bool(SERVER_URL), reason="SQLite restore; PostgreSQL restores run the same revocation")
def test_tokens_are_revoked_when_a_backup_is_restored(demo: Session, tmp_path: Path) -> None:
    with session_scope() as session:
        issued = issue_token(session, account(session, "member1"))
    archive = tmp_path / "b.tar.gz"
    create_backup(archive)
    restore_backup(archive, tmp_path / "restored")
    engine = make_engine(f"sqlite:///{tmp_path / 'restored' / 'doorstep.db'}")
    try:
        with Session(engine) as session:
            assert user_for_token(session, issued.raw, touch=False) is None
    finally:
        engine.dispose()


def test_sqlite_database_files_are_private(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade_schema(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            session.exec(text("CREATE TABLE scratch (x INTEGER)"))  # type: ignore[call-overload]
            session.commit()
            files = [p for p in tmp_path.iterdir() if p.name.startswith("fresh.db")]
            assert {p.name for p in files} >= {"fresh.db", "fresh.db-wal", "fresh.db-shm"}
            assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {p.name: "0o600" for p in files}
    finally:
        engine.dispose()
