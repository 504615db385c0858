"""Photo files no row references (a crash between the file landing and the commit) are swept; young
files and referenced files are kept; backups leave orphans out (issue 16, item 3)."""

from __future__ import annotations

import os
import tarfile
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from core.config import get_settings
from models import Photo
from models.common import utcnow
from services.backup import create_backup
from services.photos.guard.orphans import sweep_orphans
from services.photos.store import LocalPhotoStore, get_photo_store, new_key
from services.photos.store_s3 import S3PhotoStore
from services.schedule.loop import JOBS
from tests.helpers.security import member_household, visit_with_photos

HOUR = 3600


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _orphan(store: LocalPhotoStore, age_s: float) -> Path:
    key = new_key(".jpg")
    store.put(key, b"a photo whose row never committed")
    path = store.root / key
    _age(path, age_s)
    return path


def _referenced_paths(demo: Session) -> list[Path]:
    demo.rollback()  # see the visit saved in its own session
    root = get_settings().photo_dir
    return [root / key for photo in demo.exec(select(Photo)).all() for key in (photo.file_key, photo.thumb_key)]


def test_orphan_files_older_than_the_longest_transaction_are_swept(demo: Session) -> None:
    member, household = member_household(demo, "member1")
    visit_with_photos(member, household, [0])
    store = get_photo_store()
    assert isinstance(store, LocalPhotoStore)
    kept = _referenced_paths(demo)
    for path in kept:
        _age(path, 10 * HOUR)  # old, but a row points at it
    old_orphan = _orphan(store, get_settings().longest_transaction_seconds + 60)
    young_orphan = _orphan(store, 60)  # may still belong to a save in progress

    result = sweep_orphans()

    assert result.orphan_files == 1
    assert not old_orphan.exists()
    assert young_orphan.exists()
    assert all(path.exists() for path in kept) and len(kept) == 2


def test_orphan_temp_files_older_than_a_few_minutes_are_swept(data_dir: Path) -> None:
    store = get_photo_store()
    assert isinstance(store, LocalPhotoStore)
    folder = store.root / "ab"
    folder.mkdir(parents=True)
    stale, fresh = folder / ".upload-stale.tmp", folder / ".upload-fresh.tmp"
    stale.write_bytes(b"half a photo")
    fresh.write_bytes(b"being written now")
    _age(stale, 15 * 60)
    assert sweep_orphans().temp_files == 1
    assert not stale.exists() and fresh.exists()


def test_orphan_files_are_swept_from_the_bucket(demo: Session, s3_server: str, bucket: str) -> None:
    store = S3PhotoStore(bucket, endpoint_url=s3_server)
    member, household = member_household(demo, "member1")
    visit_with_photos(member, household, [1])
    demo.rollback()
    photo = demo.exec(select(Photo)).one()
    for key in (photo.file_key, photo.thumb_key):  # the same keys in the bucket: referenced
        store.put(key, b"referenced")
    orphan = new_key(".jpg")
    store.put(orphan, b"orphan")
    store.client.put_object(Bucket=bucket, Key="photos/not-ours.txt", Body=b"left alone")

    assert sweep_orphans(store=store).orphan_files == 0  # everything is younger than a transaction
    later = utcnow() + timedelta(seconds=get_settings().longest_transaction_seconds + 60)
    assert sweep_orphans(now=later, store=store).orphan_files == 1

    assert not store.exists(orphan)
    assert store.exists(photo.file_key) and store.exists(photo.thumb_key)
    names = [o["Key"] for o in store.client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert "photos/not-ours.txt" in names


def test_orphan_files_stay_out_of_backups(demo: Session, data_dir: Path, tmp_path: Path) -> None:
    member, household = member_household(demo, "member1")
    visit_with_photos(member, household, [2])
    store = get_photo_store()
    assert isinstance(store, LocalPhotoStore)
    orphan = _orphan(store, 0)
    manifest = create_backup(tmp_path / "backup.tar.gz")
    with tarfile.open(tmp_path / "backup.tar.gz") as tar:
        names = tar.getnames()
    orphan_key = orphan.relative_to(store.root).as_posix()
    assert f"photos/{orphan_key}" not in names and orphan_key not in manifest["photos"]
    assert len(manifest["photos"]) == 2 and manifest["missing_photo_keys"] == []


def test_orphan_sweep_runs_daily() -> None:
    assert ("orphan-photo-files", timedelta(days=1)) in [(name, interval) for name, interval, _job in JOBS]

