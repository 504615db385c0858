"""Helpers for the list tests: the households a member's home page lists."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Household, Pairing
from tests.helpers import account


def _households_of(session: Session, username: str) -> list[Household]:
    member = account(session, username)
    return list(session.exec(select(Household).join(Pairing, col(Pairing.household_id) == Household.id)
                             .where(Pairing.member_id == member.id).order_by(Household.id)))
