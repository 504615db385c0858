"""Recording visits: idempotency, access, verification, photos and what a failure leaves behind."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from api.v1.visits import VisitBody
from core.db import session_scope
from models import Household, LocationSource, Photo, Visit
from models.common import max_length
from models.visits import VisitBase
from services.errors import InvalidInput, NotFound
from services.households.records import get_household
from services.visits.input import visit_input
from services.visits.records import VisitInput, get_photo, get_visit, prepare_photo, save_visit
from tests.helpers import account
from tests.helpers.photos import photo_bytes
from tests.helpers.visits import near_home, paired_household


def visit_count(session: Session) -> int:
    return session.exec(select(func.count(Visit.id))).one()


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_submitting_the_same_visit_twice_stores_it_once(demo: Session) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    before = visit_count(demo)
    data = near_home(household, photo_consent=True)
    photos = [prepare_photo(photo_bytes(0)), prepare_photo(photo_bytes(1))]
    first = save_visit(member, data, photos)
    second = save_visit(member, data, photos)  # double tap / retry after a lost answer
    assert first.id == second.id
    demo.rollback()  # end the snapshot: see what the code under test committed
    assert visit_count(demo) == before + 1
    assert demo.exec(select(func.count(Photo.id)).where(Photo.visit_id == data.id)).one() == 2


def test_concurrent_duplicates_store_one_visit(demo: Session) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    data = near_home(household)
    before = visit_count(demo)
    errors: list[Exception] = []

    def submit() -> None:
        try:
            save_visit(member, data)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    demo.rollback()  # end the snapshot: see what the code under test committed
    assert visit_count(demo) == before + 1


def test_retry_with_more_photos_resumes_instead_of_duplicating(demo: Session) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    data = near_home(household, photo_consent=True)
    one, two = prepare_photo(photo_bytes(0)), prepare_photo(photo_bytes(1))
    save_visit(member, data, [one])  # the connection dropped after the first photo
    save_visit(member, data, [one, two])
    demo.rollback()  # end the snapshot: see what the code under test committed
    assert demo.exec(select(func.count(Photo.id)).where(Photo.visit_id == data.id)).one() == 2


def test_gps_near_the_household_is_verified_and_a_pin_is_not(demo: Session) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    gps = save_visit(member, near_home(household))
    pin = save_visit(member, near_home(household, LocationSource.pin))
    assert gps.verified and 20 < gps.distance_m < 45
    assert not pin.verified and pin.distance_m is not None
    far = near_home(household)
    far.lat = household.lat + 0.01  # ~1.1 km away
    assert not save_visit(member, far).verified


def test_a_3km_inaccurate_fix_does_not_verify(demo: Session) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    data = near_home(household)
    data.lat, data.accuracy_m = household.lat + 0.01, 3000.0
    assert not save_visit(member, data).verified


def test_photos_without_consent_are_refused(demo: Session) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    with pytest.raises(InvalidInput, match="consent"):
        save_visit(member, near_home(household), [prepare_photo(photo_bytes(0))])


def test_member_cannot_log_or_read_visits_of_households_not_paired_with_them(demo: Session) -> None:
    owner, other = account(demo, "member1"), account(demo, "member2")
    household = paired_household(demo, owner)
    with pytest.raises(NotFound):
        save_visit(other, near_home(household))
    visit = save_visit(owner, near_home(household, photo_consent=True), [prepare_photo(photo_bytes(0))])
    with session_scope() as session:
        with pytest.raises(NotFound):
            get_household(session, other, household.id)
        with pytest.raises(NotFound):
            get_visit(session, other, visit.id)
        photo_id = session.exec(select(Photo.id).where(Photo.visit_id == visit.id)).one()
        with pytest.raises(NotFound):
            get_photo(session, other, photo_id)
        volunteer = account(session, "volunteer1")
        with pytest.raises(NotFound):
            get_visit(session, volunteer, visit.id)


def test_same_visit_id_from_another_member_is_not_found(demo: Session) -> None:
    owner, other = account(demo, "member1"), account(demo, "member2")
    data = near_home(paired_household(demo, owner))
    save_visit(owner, data)
    data.household_id = paired_household(demo, other).id
    with pytest.raises(NotFound):
        save_visit(other, data)


def test_failed_save_leaves_no_visit_and_no_files(
    demo: Session, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    data = near_home(household, photo_consent=True)
    photos = [prepare_photo(photo_bytes(0)), prepare_photo(photo_bytes(1))]
    before = visit_count(demo)
    import services.visits.photos as visit_photos

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(visit_photos, "_earlier_use", broken)  # fails after the first file is written
    with pytest.raises(RuntimeError):
        save_visit(member, data, photos)
    demo.rollback()  # end the snapshot: see what the code under test committed
    assert visit_count(demo) == before
    assert files_in(data_dir / "photos") == []


def test_reused_photo_is_flagged_with_the_earlier_visit(demo: Session) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    picture = photo_bytes(2)
    first = save_visit(member, near_home(household, photo_consent=True), [prepare_photo(picture)])
    second = save_visit(member, near_home(household, photo_consent=True), [prepare_photo(picture)])
    fresh = save_visit(member, near_home(household, photo_consent=True), [prepare_photo(photo_bytes(3))])
    demo.rollback()  # end the snapshot: see what the code under test committed
    flagged = demo.exec(select(Photo).where(Photo.visit_id == second.id)).one()
    assert flagged.duplicate_of_visit_id == first.id
    assert demo.exec(select(Photo).where(Photo.visit_id == fresh.id)).one().duplicate_of_visit_id is None


def test_visit_in_the_future_is_refused(demo: Session) -> None:
    from datetime import timedelta

    from models.common import utcnow

    member = account(demo, "member1")
    data = near_home(paired_household(demo, member))
    data.visited_at = utcnow() + timedelta(days=1)
    with pytest.raises(InvalidInput, match="future"):
        save_visit(member, data)


def test_one_definition_of_a_visit_for_the_table_the_services_and_the_api() -> None:
    shared = set(VisitBase.model_fields)
    for model in (Visit, VisitInput, VisitBody):
        assert issubclass(model, VisitBase) and shared <= set(model.model_fields)
        for field in ("notes", "needs_raised", "help_given"):
            assert max_length(model, field) == max_length(VisitBase, field)
    # The columns are created as before (unbounded text): the limit is the model's, not the database's.
    assert Visit.__table__.c.notes.type.length is None  # type: ignore[attr-defined]


def test_text_longer_than_the_model_takes_is_the_users_message(demo: Session) -> None:
    member = account(demo, "member1")
    limit = max_length(VisitBase, "help_given")
    with pytest.raises(InvalidInput, match=f"longer than {limit} characters"):
        visit_input(**{**near_home(paired_household(demo, member)).model_dump(), "help_given": "x" * (limit + 1)})
    copied = near_home(paired_household(demo, member)).model_copy(update={"notes": "x" * (limit + 1)})
    with pytest.raises(InvalidInput, match=f"longer than {limit} characters"):  # a copy is not validated
        save_visit(member, copied)


def test_logging_a_visit_updates_the_households_last_visit(demo: Session) -> None:
    member = account(demo, "member1")
    household = paired_household(demo, member)
    visit = save_visit(member, near_home(household))
    demo.rollback()  # end the snapshot: see what the code under test committed
    assert demo.get(Household, household.id).last_visit_at == visit.visited_at


def test_audit_records_coordinator_reads(demo: Session) -> None:
    from models import AuditEntry

    coord = account(demo, "coord")
    household = paired_household(demo, account(demo, "member1"))
    with session_scope() as session:
        get_household(session, coord, household.id)
    demo.rollback()  # end the snapshot: see what the code under test committed
    entries = demo.exec(select(AuditEntry).where(AuditEntry.action == "household.read")).all()
    assert [(e.actor_id, e.record_id) for e in entries] == [(coord.id, str(household.id))]
