"""The households a member sees in the browser tests (the offline page caches them)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Household, Pairing, User


def member_households(server, username: str) -> list[Household]:
    with Session(server.engine) as s:
        member = s.exec(select(User).where(User.username == username)).one()
        ids = s.exec(select(Pairing.household_id).where(Pairing.member_id == member.id,
                                                        col(Pairing.ended_at).is_(None))).all()
        return sorted((s.get(Household, i) for i in ids), key=lambda h: h.id)
