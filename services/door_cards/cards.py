"""Printing, replacing and revoking a household's door card (coordinators; audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.i18n import N_
from models import DoorCard, Household, User
from models.common import utcnow
from services import audit
from services.door_cards.areas import household_uses_door_cards
from services.door_cards.codes import card_code, new_secret, secret_hash
from services.errors import Forbidden, InvalidInput, NotFound
from services.households.records import get_household
from services.policy import may_manage_households


@dataclass(frozen=True)
class PrintedCard:
    card: DoorCard
    code: str  # the only time the secret exists outside the paper: put it in the PDF, then drop it


@dataclass(frozen=True)
class CardStatus:
    household: Household
    area_uses_cards: bool
    active: DoorCard | None
    revoked_count: int


def _managed_household(session: Session, actor: User, household_id: int) -> Household:
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage door cards."))
    return get_household(session, actor, household_id)


def active_card(session: Session, household_id: int) -> DoorCard | None:
    return session.exec(select(DoorCard).where(
        DoorCard.household_id == household_id, col(DoorCard.revoked_at).is_(None))).first()


def card_status(session: Session, actor: User, household_id: int) -> CardStatus:
    household = _managed_household(session, actor, household_id)
    revoked = session.exec(select(DoorCard.id).where(
        DoorCard.household_id == household_id, col(DoorCard.revoked_at).is_not(None))).all()
    return CardStatus(household, household_uses_door_cards(session, household), active_card(session, household_id),
                      len(revoked))


def _revoke(session: Session, actor: User, card: DoorCard, now: datetime) -> None:
    card.revoked_at, card.revoked_by = now, actor.id
    session.add(card)
    audit.record(session, actor, "door_card.revoke", "doorcard", card.id, f"household {card.household_id}")


def print_card(session: Session, actor: User, household_id: int, now: datetime | None = None) -> PrintedCard:
    """A new card for the household; the card it had before stops working."""
    now = now or utcnow()
    household = _managed_household(session, actor, household_id)
    if not household_uses_door_cards(session, household):
        raise InvalidInput(N_("Door cards are not used in this household's area. Turn them on for the area first."))
    if (old := active_card(session, household_id)) is not None:
        _revoke(session, actor, old, now)
    secret = new_secret()
    card = DoorCard(household_id=household_id, secret_sha256=secret_hash(secret), printed_by=actor.id, printed_at=now)
    session.add(card)
    session.flush()
    audit.record(session, actor, "door_card.print", "doorcard", card.id, f"household {household_id}")
    return PrintedCard(card, card_code(card.id, secret))  # type: ignore[arg-type]


def revoke_card(session: Session, actor: User, household_id: int, now: datetime | None = None) -> DoorCard:
    """A lost card: it stops working at once; a new one can be printed."""
    _managed_household(session, actor, household_id)
    card = active_card(session, household_id)
    if card is None:
        raise NotFound(N_("This household has no card in use."))
    _revoke(session, actor, card, now or utcnow())
    return card
