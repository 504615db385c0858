"""Builders for door card tests: an area with cards turned on, a printed card's code, a foreign household."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.db import session_scope
from models import DoorCard, Household, Pairing
from services.door_cards.areas import set_area_door_cards
from services.door_cards.cards import print_card, revoke_card
from tests.helpers import account


def cards_on_for(household: Household) -> None:
    with session_scope() as session:
        set_area_door_cards(session, account(session, "admin"), household.area_id, True)


def printed_code(household: Household) -> str:
    """Print a card for the household (turning cards on for its area) and return what its QR code holds."""
    cards_on_for(household)
    with session_scope() as session:
        return print_card(session, account(session, "admin"), household.id).code  # type: ignore[arg-type]


def revoke(household: Household) -> None:
    with session_scope() as session:
        revoke_card(session, account(session, "admin"), household.id)  # type: ignore[arg-type]


def household_not_paired_with(session: Session, username: str) -> Household:
    member = account(session, username)
    paired = select(Pairing.household_id).where(Pairing.member_id == member.id)
    found = session.exec(select(Household).where(col(Household.id).not_in(paired))).first()
    assert found is not None
    return found


def stored_cards(session: Session) -> list[DoorCard]:
    session.rollback()
    return list(session.exec(select(DoorCard)).all())
