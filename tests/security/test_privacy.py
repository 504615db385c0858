"""Personal-information rights: consent, a resident's data archive, hard deletion without traces."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, col, func, select

from core.db import session_scope
from models import AuditEntry, Household, HouseholdNeed, Pairing, Photo, User, Visit
from services.errors import NotFound
from services.privacy import consent, resident_data
from tests.helpers import account, sign_in
from tests.helpers.security import member_household, photo_files, visit_with_photos


def as_user(s: Session, username: str) -> User:
    return s.exec(select(User).where(User.username == username)).one()


def test_consent_is_recorded_withdrawn_and_audited(demo: Session) -> None:
    _member, household = member_household(demo, "member1")
    with session_scope() as s:
        consent.record_household_consent(s, as_user(s, "coord"), household.id)
    with session_scope() as s:
        consent.withdraw_household_consent(s, as_user(s, "coord"), household.id)
    demo.rollback()
    stored = demo.get(Household, household.id)
    assert stored.data_consent_at and stored.data_consent_withdrawn_at
    assert stored.data_consent_recorded_by == account(demo, "coord").id
    actions = demo.exec(select(AuditEntry.action).where(AuditEntry.record_id == str(household.id))).all()
    assert {"household.consent_record", "household.consent_withdraw"} <= set(actions)


def test_withdrawing_photo_consent_deletes_the_visits_photos(demo: Session, data_dir: Path) -> None:
    member, household = member_household(demo, "member1")
    keep = visit_with_photos(member, household, [2])
    visit = visit_with_photos(member, household, [0, 1])
    assert len(photo_files(data_dir)) == 6  # three photos, each with a thumbnail
    with session_scope() as s:
        assert consent.withdraw_photo_consent(s, as_user(s, "member1"), visit.id) == 2
    demo.rollback()
    assert demo.exec(select(func.count(Photo.id)).where(Photo.visit_id == visit.id)).one() == 0
    assert demo.exec(select(func.count(Photo.id)).where(Photo.visit_id == keep.id)).one() == 1
    assert len(photo_files(data_dir)) == 2
    assert not demo.get(Visit, visit.id).photo_consent
    with session_scope() as s, pytest.raises(NotFound):  # another member may not
        consent.withdraw_photo_consent(s, as_user(s, "member2"), keep.id)


def test_archive_holds_the_household_its_visits_and_photos(demo: Session) -> None:
    member, household = member_household(demo, "member1")
    visit = visit_with_photos(member, household, [0, 1])
    with session_scope() as s:
        data = resident_data.export_household_archive(s, as_user(s, "coord"), household.id)
    archive = zipfile.ZipFile(io.BytesIO(data))
    document = json.loads(archive.read("household.json"))
    assert document["household"]["head_name"] == household.head_name
    ours = [v for v in document["visits"] if v["id"] == visit.id]
    assert len(ours) == 1
    assert member.name in [p["member"] for p in document["pairings"]]
    files = [p["file"] for p in ours[0]["photos"]]
    assert len(files) == 2 and all(archive.read(f)[:2] == b"\xff\xd8" for f in files)
    assert "member_id" not in ours[0]
    demo.rollback()
    assert demo.exec(select(AuditEntry).where(AuditEntry.action == "resident.export",
                                              AuditEntry.record_id == str(household.id))).first()


def test_members_cannot_export_or_delete(demo: Session) -> None:
    _member, household = member_household(demo, "member1")
    with session_scope() as s, pytest.raises(Exception):  # noqa: B017 - Forbidden or NotFound
        resident_data.export_household_archive(s, as_user(s, "member1"), household.id)
    with session_scope() as s, pytest.raises(Exception):  # noqa: B017
        resident_data.delete_household_data(s, as_user(s, "member1"), household.id)


def test_export_then_delete_leaves_no_file_row_or_hash(demo: Session, data_dir: Path) -> None:
    member, household = member_household(demo, "member1")
    other_member, other = member_household(demo, "member2")
    hid, other_id = household.id, other.id
    visit = visit_with_photos(member, household, [0, 1])
    # The same picture used again at another household: that photo points back at this visit.
    reused = visit_with_photos(other_member, other, [0])
    demo.rollback()
    ours = demo.exec(select(Photo).where(Photo.visit_id == visit.id)).all()
    our_hashes = {p.phash for p in ours} | {p.upload_sha256 for p in ours}
    our_keys = {k for p in ours for k in (p.file_key, p.thumb_key)}
    assert demo.exec(select(Photo.duplicate_of_visit_id).where(Photo.visit_id == reused.id)).one() == visit.id
    before_files = photo_files(data_dir)
    with session_scope() as s:
        resident_data.export_household_archive(s, as_user(s, "coord"), hid)
    with session_scope() as s:
        resident_data.delete_household_data(s, as_user(s, "coord"), hid)
    demo.rollback()
    # No row.
    assert demo.get(Household, hid) is None
    assert demo.exec(select(func.count()).select_from(Visit).where(Visit.household_id == hid)).one() == 0
    assert demo.exec(select(func.count()).select_from(Pairing).where(Pairing.household_id == hid)).one() == 0
    assert demo.exec(select(func.count()).select_from(HouseholdNeed)
                     .where(HouseholdNeed.household_id == hid)).one() == 0
    assert demo.get(Visit, visit.id) is None
    # No hash: the only photo rows with the same hashes are the other household's own copy of the
    # picture, and it no longer points at the deleted visit.
    remaining = demo.exec(select(Photo)).all()
    assert {p.visit_id for p in remaining if {p.phash, p.upload_sha256} & our_hashes} <= {reused.id}
    assert not demo.exec(select(Photo).where(col(Photo.visit_id) == visit.id)).all()
    assert all(p.duplicate_of_visit_id != visit.id for p in remaining)
    # No file (photos and thumbnails), while the other household's files stay.
    after_files = photo_files(data_dir)
    assert not our_keys & set(after_files)
    assert len(after_files) == len(before_files) - 4
    # One audit entry without content; earlier entries (ids only) are kept.
    deletions = demo.exec(select(AuditEntry).where(AuditEntry.action == "resident.delete")).all()
    assert [(e.record_type, e.record_id) for e in deletions] == [("household", str(hid))]
    assert demo.get(Household, other_id) is not None


def test_registered_providers_join_the_export_and_the_deletion(demo: Session) -> None:
    _member, household = member_household(demo, "member1")
    calls: list[str] = []

    def export(_s: Session, household_id: int) -> tuple[object, dict[str, bytes]]:
        calls.append(f"export {household_id}")
        return [{"request": "help with forms"}], {"requests/1.txt": b"attachment"}

    def delete(_s: Session, household_id: int) -> list[str]:
        calls.append(f"delete {household_id}")
        return []

    resident_data.register_resident_data(resident_data.ResidentDataProvider("test_requests", export, delete))
    try:
        with session_scope() as s:
            data = resident_data.export_household_archive(s, as_user(s, "admin"), household.id)
            resident_data.delete_household_data(s, as_user(s, "admin"), household.id)
    finally:
        resident_data._PROVIDERS.pop("test_requests")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert json.loads(archive.read("household.json"))["test_requests"] == [{"request": "help with forms"}]
    assert archive.read("requests/1.txt") == b"attachment"
    assert calls == [f"export {household.id}", f"delete {household.id}"]


async def test_privacy_page_records_consent_downloads_and_deletes(user: TestUser, demo: Session,
                                                                  data_dir: Path) -> None:
    member, household = member_household(demo, "member1")
    hid, name = household.id, household.head_name
    visit_with_photos(member, household, [3])
    await sign_in(user, "coord")
    await user.open(f"/households/{hid}")
    user.find(marker="privacy-link").click()
    await user.should_see("Not recorded yet.", retries=20)
    user.find(marker="record-consent").click()
    await user.should_see("Consent recorded.", retries=20)
    user.find(marker="download-archive").click()
    response = await user.download.next(timeout=5)
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist()[0] == "household.json"
    user.find(marker="delete-all").click()
    user.find(marker="delete-confirm-name").type("not the name")
    user.find(marker="delete-confirmed").click()
    await user.should_see("Type the name exactly as shown to confirm.")
    user.find(marker="delete-confirm-name").clear().type(name)
    user.find(marker="delete-confirmed").click()
    await user.should_see("Households", retries=30)
    demo.rollback()
    assert demo.get(Household, hid) is None
    assert photo_files(data_dir) == {}
