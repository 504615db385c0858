"""Backup then restore into an empty data folder: same row counts, same photo checksums."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from core import config
from services.backup import BackupError, _counts, create_backup, main, restore_backup
from tests.helpers.databases import SERVER_URL
from tests.helpers.security import member_household, photo_files, visit_with_photos


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return _counts(conn)
    finally:
        engine.dispose()


def some_photos(demo: Session) -> None:
    member, household = member_household(demo, "member1")
    visit_with_photos(member, household, [0, 1])
    visit_with_photos(member, household, [2])


@pytest.mark.skipif(bool(SERVER_URL), reason="the suite runs on PostgreSQL: see the PostgreSQL variant")
def test_sqlite_backup_and_restore_into_an_empty_data_dir(demo: Session, data_dir: Path, tmp_path: Path) -> None:
    some_photos(demo)
    url = config.get_settings().effective_database_url
    archive = tmp_path / "backups" / "doorstep.tar.gz"
    assert main(["create", str(archive)]) == 0
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only
    before_counts, before_photos = table_counts(url), photo_files(data_dir)
    assert before_counts["photo"] == 3 and len(before_photos) == 6
    target = tmp_path / "restored"
    assert main(["restore", str(archive), "--data-dir", str(target)]) == 0
    assert table_counts(f"sqlite:///{target / 'doorstep.db'}") == before_counts
    assert photo_files(target) == before_photos
    # Restoring again into the now non-empty folder is refused.
    with pytest.raises(BackupError):
        restore_backup(archive, target)


def test_a_tampered_photo_is_detected(demo: Session, tmp_path: Path) -> None:
    if SERVER_URL and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL suite without pg_dump")
    some_photos(demo)
    archive = tmp_path / "b.tar.gz"
    create_backup(archive)
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    victim = next(p for p in (unpacked / "photos").rglob("*") if p.is_file())
    victim.write_bytes(b"not the photo")
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(forged, "w:gz") as tar:
        for path in sorted(unpacked.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(unpacked).as_posix())
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(forged, tmp_path / "restored", database_url=_empty_pg_database() if SERVER_URL else None)


def _empty_pg_database() -> str:
    name = f"doorstep_restore_{abs(hash(str(Path.cwd()))) % 10**8}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


@pytest.mark.skipif(not SERVER_URL or not shutil.which("pg_dump"),
                    reason="needs DOORSTEP_TEST_DATABASE_URL and pg_dump/pg_restore")
def test_postgresql_backup_and_restore(demo: Session, data_dir: Path, tmp_path: Path) -> None:
    some_photos(demo)
    url = config.get_settings().effective_database_url
    archive = tmp_path / "doorstep.tar.gz"
    manifest = create_backup(archive)
    assert manifest["engine"] == "postgresql"
    before_counts, before_photos = table_counts(url), photo_files(data_dir)
    target_url = _empty_pg_database()
    try:
        restore_backup(archive, tmp_path / "restored", database_url=target_url)
        assert table_counts(target_url) == before_counts
        assert photo_files(tmp_path / "restored") == before_photos
        # The restored audit table is still append-only.
        engine = create_engine(target_url)
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM auditentry"))
        engine.dispose()
    finally:
        admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(target_url).database}" WITH (FORCE)'))
        admin.dispose()
