"""Online backups and restores: the database (consistent snapshot) plus the photo files.

    python -m services.backup create /backups/doorstep-2026-11-28.tar.gz
    python -m services.backup restore /backups/doorstep-2026-11-28.tar.gz --data-dir /srv/doorstep/data \
        [--database-url postgresql+psycopg://doorstep@db/doorstep_restored]

The archive holds ``manifest.json`` (row count of every table, SHA-256 of every photo file), the
database (``doorstep.db``, made with SQLite's online backup API, or ``db.dump``, a ``pg_dump -Fc``
taken in the same snapshot the row counts were read in) and ``photos/``. The app may keep running
while a backup is made. The secret key is not included: after a restore everyone signs in again.
A restore goes only into an empty data folder (and, for PostgreSQL, an empty database) and checks
every checksum and row count before it reports success. Backups hold residents' personal data:
keep them encrypted and access-controlled (see docs/SECURITY.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlmodel import Session, SQLModel

from core.config import get_settings
from models.common import utcnow
from services.accounts.api_tokens import revoke_all_tokens
from services.photos.guard.orphans import referenced_keys

FORMAT = 1
PHOTOS = "photos"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _table_names() -> list[str]:
    import models  # noqa: F401  (registers every table)

    return [table.name for table in SQLModel.metadata.sorted_tables]


def _counts(conn: Connection) -> dict[str, int]:
    present = set(inspect(conn).get_table_names())
    names = [n for n in _table_names() if n in present] + (["alembic_version"] if "alembic_version" in present else [])
    return {name: int(conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()) for name in names}


def _pg_env(url: str) -> dict[str, str]:
    """libpq settings for pg_dump/pg_restore: the password travels in the environment, not argv."""
    u = make_url(url)
    env = {**os.environ, "PGDATABASE": u.database or ""}
    for var, value in (("PGHOST", u.host), ("PGPORT", u.port), ("PGUSER", u.username), ("PGPASSWORD", u.password)):
        if value:
            env[var] = str(value)
    return env


def _photo_files(photo_dir: Path) -> Iterator[tuple[str, Path]]:
    if not photo_dir.is_dir():
        return
    for path in sorted(photo_dir.rglob("*")):
        if path.is_file() and not path.name.startswith(".upload-"):
            yield path.relative_to(photo_dir).as_posix(), path


@contextmanager
def _snapshot(url: str, workdir: Path) -> Iterator[tuple[str, Connection]]:
    """A consistent copy of the database in workdir, and a connection reading the same state."""
    if url.startswith("sqlite"):
        source = make_url(url).database
        if not source or not Path(source).exists():
            raise BackupError(f"no SQLite database at {source}")
        target = workdir / "doorstep.db"
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # online and consistent, WAL included
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        engine = create_engine(f"sqlite:///{target}")
        try:
            with engine.connect() as conn:
                yield "doorstep.db", conn
        finally:
            engine.dispose()
        return
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (apt-get install postgresql-client)")
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            dump = workdir / "db.dump"
            result = subprocess.run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(dump)],
                                    env=_pg_env(url), capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            yield "db.dump", conn
    finally:
        engine.dispose()


def _audit(url: str, action: str) -> None:
    """A backup is an export of everything: it is written to the audit trail (no actor: a command)."""
    from sqlmodel import Session

    from core.db import make_engine
    from services import audit

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            audit.record(session, None, action, "database")
            session.commit()
    finally:
        engine.dispose()


def create_backup(dest: Path, database_url: str | None = None, photo_dir: Path | None = None) -> dict[str, Any]:
    """Write a backup archive to ``dest`` (replaced atomically); returns its manifest."""
    settings = get_settings()
    url = database_url or settings.effective_database_url
    photo_dir = photo_dir or settings.photo_dir
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    _audit(url, "backup.create")
    with tempfile.TemporaryDirectory(prefix="doorstep-backup-") as tmp:
        workdir = Path(tmp)
        with _snapshot(url, workdir) as (db_name, conn):
            counts = _counts(conn)
            referenced = referenced_keys(conn)
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                if "alembic_version" in counts else None
        # Photos are copied after the snapshot: a file deleted in between is listed as missing (its
        # row then points at nothing after a restore). Files no row of the snapshot references
        # (a crash's orphans, or newer than the snapshot) are left out: residents' deletions and
        # retention never reach such files, so a backup must not keep them either.
        photos: dict[str, str] = {}
        staged = workdir / PHOTOS
        for rel, path in _photo_files(photo_dir):
            if rel not in referenced:
                continue
            target = staged / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy2(path, target)
            except FileNotFoundError:
                continue
            photos[rel] = _sha256(target)
        manifest = {
            "format": FORMAT, "created_at": utcnow().isoformat(), "engine": "sqlite" if db_name == "doorstep.db"
            else "postgresql", "database": db_name, "alembic_revision": revision, "tables": counts,
            "photos": photos, "missing_photo_keys": sorted(referenced - set(photos)),
        }
        (workdir / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = dest.with_name(dest.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(workdir / "manifest.json", arcname="manifest.json")
            tar.add(workdir / db_name, arcname=db_name)
            for rel in sorted(photos):
                tar.add(staged / rel, arcname=f"{PHOTOS}/{rel}")
            raw.flush()
        os.replace(partial, dest)
    return manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = member.name
        parts = Path(name).parts
        if member.isdir():
            continue
        if not member.isfile() or name.startswith("/") or ".." in parts:
            raise BackupError(f"unexpected entry in backup: {name!r}")
        if name not in ("manifest.json", "doorstep.db", "db.dump") and parts[0] != PHOTOS:
            raise BackupError(f"unexpected entry in backup: {name!r}")
        members.append(member)
    return members


def _pg_is_empty(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return not inspect(conn).get_table_names()
    finally:
        engine.dispose()


def _restore_sqlite(staging: Path, data_dir: Path, database_url: str | None) -> str:
    """Move the backed-up SQLite file into place; returns the database URL."""
    if database_url and not database_url.startswith("sqlite"):
        raise BackupError("this is a SQLite backup: restore it without --database-url")
    target_url = database_url or f"sqlite:///{(data_dir / 'doorstep.db').resolve()}"
    target = Path(make_url(target_url).database or "")
    if target.exists():
        raise BackupError(f"{target} exists already")
    shutil.move(staging / "doorstep.db", target)
    target.chmod(0o600)
    return target_url


def _restore_postgres(staging: Path, database_url: str | None) -> str:
    """pg_restore the dump into an empty PostgreSQL database; returns the database URL."""
    if not database_url or not database_url.startswith("postgresql"):
        raise BackupError("a PostgreSQL backup needs --database-url of an empty database")
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (apt-get install postgresql-client)")
    if not _pg_is_empty(database_url):
        raise BackupError("the target database is not empty")
    result = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                             "-d", make_url(database_url).database or "", str(staging / "db.dump")],
                            env=_pg_env(database_url), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    return database_url


def restore_backup(src: Path, data_dir: Path, database_url: str | None = None) -> dict[str, Any]:
    """Restore an archive into an empty data folder (and empty PostgreSQL database); returns the
    manifest after every photo checksum and table row count was checked."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    photo_dir = data_dir / PHOTOS
    if (data_dir / "doorstep.db").exists() or (photo_dir.exists() and any(photo_dir.iterdir())):
        raise BackupError(f"{data_dir} is not empty: restore into a new data folder")
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=data_dir) as tmp:
        staging = Path(tmp)
        with tarfile.open(src, "r:gz") as tar:
            tar.extractall(staging, members=_safe_members(tar), filter="data")
        manifest = json.loads((staging / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        for rel, digest in manifest["photos"].items():
            path = staging / PHOTOS / rel
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(f"photo {rel} is missing or damaged in the backup")
        if manifest["engine"] == "sqlite":
            target_url = _restore_sqlite(staging, data_dir, database_url)
        else:
            target_url = _restore_postgres(staging, database_url)
        if (staging / PHOTOS).is_dir():
            shutil.move(staging / PHOTOS, photo_dir)
        else:
            photo_dir.mkdir(exist_ok=True)
    engine = create_engine(target_url)
    try:
        with engine.connect() as conn:
            counts = _counts(conn)
    finally:
        engine.dispose()
    if counts != manifest["tables"]:
        raise BackupError(f"row counts differ after restore: {counts} != {manifest['tables']}")
    _revoke_api_tokens(target_url)
    return manifest


def _revoke_api_tokens(url: str) -> None:
    """Tokens in the backup were live when it was taken: none of them is honoured after a restore."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            revoke_all_tokens(session)
            session.commit()
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.backup", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="back up the database and photos (DOORSTEP_* settings)")
    create.add_argument("dest", type=Path)
    restore = sub.add_parser("restore", help="restore a backup into an empty data folder")
    restore.add_argument("src", type=Path)
    restore.add_argument("--data-dir", type=Path, required=True)
    restore.add_argument("--database-url", default=None, help="an empty PostgreSQL database (PostgreSQL backups)")
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            manifest = create_backup(args.dest)
            print(f"backup written to {args.dest}: {sum(manifest['tables'].values())} rows, "
                  f"{len(manifest['photos'])} photo files")
            if manifest["missing_photo_keys"]:
                print(f"warning: {len(manifest['missing_photo_keys'])} photo files referenced but missing")
        else:
            manifest = restore_backup(args.src, args.data_dir, args.database_url)
            print(f"restored {args.src} into {args.data_dir}: row counts and {len(manifest['photos'])} "
                  "photo checksums match")
    except (BackupError, OSError, tarfile.TarError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
