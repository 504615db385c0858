"""A household's door cards in its data archive, and deleted with its data (PIPL/GDPR)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from models import DoorCard
from services.privacy.resident_data import ResidentDataProvider, row_as_dict


def export_door_cards(session: Session, household_id: int) -> tuple[Any, dict[str, bytes]]:
    cards = session.exec(select(DoorCard).where(DoorCard.household_id == household_id)).all()
    return [row_as_dict(card, exclude={"secret_sha256"}) for card in cards], {}


def delete_door_cards(session: Session, household_id: int) -> list[str]:
    for card in session.exec(select(DoorCard).where(DoorCard.household_id == household_id)).all():
        session.delete(card)
    session.flush()
    return []


PROVIDER = ResidentDataProvider("door_cards", export_door_cards, delete_door_cards)
