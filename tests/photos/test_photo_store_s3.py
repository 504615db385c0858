"""The bucket-backed photo store against a local S3 server (moto in server mode)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models import Photo
from services.photos import store as photo_store
from services.photos.store import new_key
from services.photos.store_s3 import S3PhotoStore
from services.visits.records import prepare_photo, save_visit
from tests.helpers import account
from tests.helpers.photos import photo_bytes
from tests.helpers.visits import near_home, paired_household


def test_round_trip_and_delete(s3_server: str, bucket: str) -> None:
    store = S3PhotoStore(bucket, endpoint_url=s3_server)
    key = new_key()
    store.put(key, b"jpeg bytes")
    assert store.exists(key) and store.get(key) == b"jpeg bytes"
    store.delete(key)
    store.delete(key)  # deleting twice is fine: cleanup after a partial failure retries
    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.get(key)
    with pytest.raises(ValueError):
        store.put("../escape.jpg", b"x")


def test_visit_photos_land_in_the_bucket_when_configured(demo: Session, s3_server: str, bucket: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from core import config

    monkeypatch.setenv("DOORSTEP_PHOTO_BACKEND", "s3")
    monkeypatch.setenv("DOORSTEP_S3_BUCKET", bucket)
    monkeypatch.setenv("DOORSTEP_S3_ENDPOINT_URL", s3_server)
    config.get_settings.cache_clear()
    photo_store.reset_photo_store()
    member = account(demo, "member1")
    visit = save_visit(member, near_home(paired_household(demo, member), photo_consent=True),
                       [prepare_photo(photo_bytes(0))])
    demo.rollback()
    photo = demo.exec(select(Photo).where(Photo.visit_id == visit.id)).one()
    store = S3PhotoStore(bucket, endpoint_url=s3_server)
    assert store.get(photo.file_key).startswith(b"\xff\xd8")
    assert store.exists(photo.thumb_key)
