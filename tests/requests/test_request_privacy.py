"""Residents' requests under the resident's rights: exported and deleted with the household,
anonymised after the retention period once closed."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, func, select

from core.config import get_settings
from core.db import session_scope
from models.requests import RequestEvent, RequestPhoto, RequestStatus, ServiceRequest, Visibility
from services.privacy import resident_data
from services.privacy.retention import run_retention
from services.requests.tracking import add_photo_to_request, change_status
from services.visits.records import prepare_photo
from tests.helpers import account
from tests.helpers.photos import photo_bytes
from tests.helpers.requests import raise_from_visit


def photo_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in (folder / "photos").rglob("*.jpg")} if (
        folder / "photos").exists() else set()


def with_photo(request_id: int) -> None:
    with session_scope() as s:
        add_photo_to_request(s, account(s, "coord"), request_id, prepare_photo(photo_bytes(2)))


def test_requests_are_in_the_archive_and_go_with_the_household(demo: Session, data_dir: Path) -> None:
    request = raise_from_visit("member1", text="The stairwell light is broken")
    with_photo(request.id)
    hid = request.household_id
    with session_scope() as s:
        archive = zipfile.ZipFile(io.BytesIO(resident_data.export_household_archive(s, account(s, "coord"), hid)))
    exported = json.loads(archive.read("household.json"))["requests"]
    assert [r["description"] for r in exported] == ["The stairwell light is broken"]
    assert exported[0]["timeline"] and len(exported[0]["photos"]) == 1
    assert archive.read(exported[0]["photos"][0]).startswith(b"\xff\xd8")
    with session_scope() as s:
        resident_data.delete_household_data(s, account(s, "coord"), hid)
    demo.rollback()
    for model in (ServiceRequest, RequestEvent, RequestPhoto):
        column = model.id if model is ServiceRequest else model.request_id
        assert demo.exec(select(func.count()).select_from(model).where(column == request.id)).one() == 0
    assert photo_files(data_dir) == set()  # visit and request photos, thumbnails included


def test_closed_requests_are_anonymised_after_the_retention_period(demo: Session) -> None:
    old = raise_from_visit("member1", text="Old complaint about the neighbour at No. 5")
    recent = raise_from_visit("member1", text="Recent request")
    still_open = raise_from_visit("member1", text="Still open")
    with session_scope() as s:
        coord = account(s, "coord")
        change_status(s, coord, old.id, RequestStatus.resolved, "Talked to both", Visibility.public)
        change_status(s, coord, recent.id, RequestStatus.resolved, "Done", Visibility.public)
    days = get_settings().closed_request_anonymise_days
    with session_scope() as s:  # the old one was closed longer ago than the policy allows
        s.get(ServiceRequest, old.id).closed_at = s.get(ServiceRequest, old.id).closed_at - timedelta(days=days + 1)
    with session_scope() as s:
        now = s.get(ServiceRequest, recent.id).closed_at + timedelta(days=1)
        results = run_retention(s, now)
    assert results["closed_requests"] == 1
    demo.rollback()
    anonymised = demo.get(ServiceRequest, old.id)
    assert anonymised.description == "[anonymised]" and anonymised.household_id is None
    assert all(e.note == "" for e in demo.exec(select(RequestEvent).where(RequestEvent.request_id == old.id)))
    assert anonymised.status == RequestStatus.resolved  # the outcome still counts in the statistics
    assert demo.get(ServiceRequest, recent.id).description == "Recent request"
    assert demo.get(ServiceRequest, still_open.id).description == "Still open"
