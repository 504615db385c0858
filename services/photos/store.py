"""Where processed photos are kept: one small interface, local disk by default."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from core.config import get_settings
from services.photos.keys import PhotoStore, StoredFile, check_key, is_key, new_key
from services.photos.store_s3 import S3PhotoStore

__all__ = ["LocalPhotoStore", "PhotoStore", "StoredFile", "check_key", "get_photo_store", "new_key",
           "reset_photo_store"]


class LocalPhotoStore:
    """Photos as files under one root folder, each written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = self.root / check_key(key)
        # Belt and braces: even a key that passed the pattern must resolve inside the root.
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"invalid photo key: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file beside the target, then rename: a reader never sees half a
        # photo, and a crash leaves either the old file or the new one.
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        _hold_for_crash_test()
        _fsync_dir(path.parent)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list_files(self) -> Iterator[StoredFile]:
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                key = f"{folder.name}/{path.name}"
                if is_key(key) and path.is_file():
                    with contextlib.suppress(FileNotFoundError):  # deleted meanwhile
                        yield StoredFile(key, datetime.fromtimestamp(path.stat().st_mtime, UTC))

    def remove_stale_temp_files(self, older_than: datetime) -> int:
        removed = 0
        for path in self.root.glob("*/.upload-*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                if datetime.fromtimestamp(path.stat().st_mtime, UTC) < older_than:
                    path.unlink()
                    removed += 1
        return removed


def _hold_for_crash_test() -> None:
    """Tests only: with DOORSTEP_TEST_HOLD_AFTER_PHOTO_RENAME set to a path, a photo that has just
    landed under its name marks that path and waits there, so a test can kill -9 the server at the
    moment between the file landing and the database commit (tests/photos/guard/test_orphan_kill.py)."""
    marker = os.environ.get("DOORSTEP_TEST_HOLD_AFTER_PHOTO_RENAME")
    if not marker:
        return
    Path(marker).touch()
    time.sleep(120)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable, so a committed database row never points at nothing."""
    if os.name != "posix":  # Windows cannot open a directory for fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@lru_cache(maxsize=1)
def get_photo_store() -> PhotoStore:
    """The app's photo store, made once from settings: local folder, or a bucket when configured."""
    settings = get_settings()
    if settings.photo_backend == "s3":
        return S3PhotoStore(settings.s3_bucket, settings.s3_endpoint_url, settings.s3_region, settings.s3_prefix)
    return LocalPhotoStore(settings.photo_dir)


def reset_photo_store() -> None:
    """Forget the cached store (tests change the settings between cases)."""
    get_photo_store.cache_clear()
