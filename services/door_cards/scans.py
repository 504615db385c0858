"""Checking a scanned door card against the visit's household; refusals are audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from core.db import session_scope
from core.i18n import N_
from models import DoorCard, Household, Role, User
from services import audit
from services.door_cards.areas import household_uses_door_cards
from services.door_cards.codes import parse_code, secret_matches
from services.errors import InvalidInput, NotFound
from services.households.records import get_household, is_paired

NOT_A_CARD = N_("This is not a door card of this organisation. Scan the card at the household's door.")
OTHER_HOUSEHOLD = N_("This door card belongs to another household. Scan the card at this household's door.")
REVOKED = N_("This door card has been revoked. Ask your coordinator for the household's new card.")
NOT_USED = N_("Door cards are not used in this household's area.")


class DoorCardRefused(InvalidInput):
    """A scan that does not prove presence at this household; ``reason`` goes to the audit log."""

    def __init__(self, message: str, reason: str, household_id: int, card_id: int | None = None) -> None:
        super().__init__(message)
        self.reason, self.household_id, self.card_id = reason, household_id, card_id


def check_scan(session: Session, household: Household, scanned: str) -> DoorCard:
    """The household's card in use that ``scanned`` is, or DoorCardRefused saying why not."""
    hid = household.id or 0
    if not household_uses_door_cards(session, household):
        raise DoorCardRefused(NOT_USED, "area_does_not_use_cards", hid)
    code = parse_code(scanned)
    card = session.get(DoorCard, code.card_id) if code else None
    if code is None or card is None or not secret_matches(code.secret, card.secret_sha256):
        raise DoorCardRefused(NOT_A_CARD, "not_a_card", hid, card.id if card else None)
    if card.household_id != household.id:
        raise DoorCardRefused(OTHER_HOUSEHOLD, "other_household", hid, card.id)
    if card.revoked_at is not None:
        raise DoorCardRefused(REVOKED, "revoked", hid, card.id)
    return card


@contextmanager
def refusals_audited(actor: User) -> Iterator[None]:
    """Audit a refused scan in a transaction of its own: the visit's transaction is rolled back."""
    try:
        yield
    except DoorCardRefused as refused:
        card = f" card {refused.card_id}" if refused.card_id is not None else ""
        with session_scope() as session:
            audit.record(session, actor, "door_card.scan_refused", "household", refused.household_id,
                         f"refused: {refused.reason}{card}")
        raise


def confirm_scan(actor: User, household_id: int, scanned: str) -> DoorCard:
    """Check a scan as soon as it is made (the form says at once); saving the visit checks it again."""
    with refusals_audited(actor), session_scope(read_only=True) as session:
        if actor.role != Role.member or not is_paired(session, actor.id, household_id):  # type: ignore[arg-type]
            raise NotFound(N_("Household not found."))
        return check_scan(session, get_household(session, actor, household_id, audit_read=False), scanned)
