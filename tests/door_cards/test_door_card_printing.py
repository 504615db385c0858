"""Coordinators turn door cards on for an area, print a household's card (the secret exists only in the PDF),
and revoke a lost one; every step is audited and stays inside their area."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import AuditEntry, DoorCard
from services.door_cards.cards import print_card
from services.door_cards.codes import parse_code
from services.errors import Forbidden, InvalidInput
from tests.helpers import account, sign_in
from tests.helpers.door_cards import cards_on_for, household_not_paired_with, stored_cards
from tests.helpers.visits import paired_household


def actions(session: Session, prefix: str) -> list[str]:
    session.rollback()
    return [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.action.startswith(prefix)))]  # type: ignore[attr-defined]


async def test_door_card_area_setting_print_and_revoke(user: TestUser, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    await sign_in(user, "coord")
    await user.open(f"/households/{household.id}/door-card")
    await user.should_see("Door cards are not used in this household's area.", retries=40)
    await user.open("/door-cards")
    await user.should_see(marker=f"door-cards-area-{household.area_id}", retries=40)
    user.find(marker=f"door-cards-area-{household.area_id}").click()
    await user.should_see("Door cards are on for this area.", retries=40)

    await user.open(f"/households/{household.id}/door-card")
    await user.should_see("No card in use.", retries=40)
    user.find(marker="print-door-card").click()
    pdf = await user.download.next(timeout=20)
    assert pdf.content.startswith(b"%PDF")
    await user.should_see("in use, printed", retries=40)
    (card,) = stored_cards(demo)
    assert card.household_id == household.id and card.revoked_at is None and len(card.secret_sha256) == 64

    user.find(marker="print-door-card").click()  # a replacement: the first card stops working
    await user.download.next(timeout=20)
    await user.should_see(f"Card no. {card.id + 1} in use", retries=40)
    user.find(marker="revoke-door-card").click()
    await user.should_see(marker="confirm-revoke", retries=40)
    user.find(marker="confirm-revoke").click()
    await user.should_see("No card in use.", retries=40)
    assert all(c.revoked_at is not None for c in stored_cards(demo))
    assert actions(demo, "door_card.") == ["door_card.print", "door_card.revoke", "door_card.print",
                                           "door_card.revoke"]
    assert actions(demo, "area.door_cards") == ["area.door_cards"]


def test_door_card_secret_is_kept_only_as_a_hash(demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    cards_on_for(household)
    with session_scope() as session:
        printed = print_card(session, account(session, "coord"), household.id)
    scanned = parse_code(printed.code)
    assert scanned is not None
    demo.rollback()
    card = demo.get(DoorCard, scanned.card_id)
    assert card is not None and card.secret_sha256 == hashlib.sha256(scanned.secret.encode()).hexdigest()
    assert scanned.secret not in repr(card.model_dump())


def test_door_card_printing_needs_the_area_setting_and_a_coordinator(demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    with session_scope() as session, pytest.raises(InvalidInput, match="not used in this household's area"):
        print_card(session, account(session, "coord"), household.id)
    other = household_not_paired_with(demo, "member1")
    cards_on_for(other)
    with session_scope() as session, pytest.raises(Forbidden):
        print_card(session, account(session, "member1"), other.id)  # type: ignore[arg-type]


def test_door_card_rows_join_the_household_archive_and_its_deletion(demo: Session) -> None:
    from services.privacy import resident_data

    household = paired_household(demo, account(demo, "member1"))
    cards_on_for(household)
    with session_scope() as session:
        print_card(session, account(session, "coord"), household.id)  # type: ignore[arg-type]
    with session_scope() as session:
        archive = resident_data.export_household_archive(session, account(session, "coord"), household.id)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        (card,) = json.loads(zipped.read("household.json"))["door_cards"]
    assert card["household_id"] == household.id and "secret_sha256" not in card
    with session_scope() as session:
        resident_data.delete_household_data(session, account(session, "admin"), household.id)  # type: ignore[arg-type]
    assert stored_cards(demo) == []
