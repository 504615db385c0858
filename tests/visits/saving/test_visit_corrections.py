"""Corrections in the service: an identical retry changes nothing, other values are a correction, limits hold."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from services.errors import Forbidden, NotFound
from services.visits.corrections import correct_visit
from services.visits.records import save_visit
from tests.helpers.visit_saving import age_visit, corrections, member_and_household, store_visit, stored, visit_input


def test_identical_retry_is_no_correction(demo: Session) -> None:
    member, household = member_and_household(demo)
    data = visit_input(household, notes="Same")
    store_visit(member, data)
    save_visit(member, data)
    save_visit(member, data.model_copy(update={"visited_at": None}))  # a retry without a time keeps the stored one
    assert corrections(data.id) == ([], [])


def test_retry_with_other_values_is_an_audited_correction(demo: Session) -> None:
    member, household = member_and_household(demo)
    data = visit_input(household, notes="First")
    store_visit(member, data)
    save_visit(member, data.model_copy(update={"notes": "Second"}))
    assert stored(data.id).notes == "Second"
    revisions, audits = corrections(data.id)
    assert len(revisions) == 1 and len(audits) == 1


def test_correction_refused_after_the_window_and_for_another_member(demo: Session) -> None:
    member, household = member_and_household(demo)
    other, _ = member_and_household(demo, "member2")
    data = visit_input(household, notes="Kept")
    store_visit(member, data)
    with pytest.raises(NotFound):
        correct_visit(other, data.model_copy(update={"notes": "Not theirs"}))
    age_visit(data.id, hours=25)
    with pytest.raises(Forbidden):
        correct_visit(member, data.model_copy(update={"notes": "Too late"}))
    with pytest.raises(Forbidden):  # nor through a resubmission
        save_visit(member, data.model_copy(update={"notes": "Too late"}))
    assert stored(data.id).notes == "Kept" and corrections(data.id) == ([], [])
