"""Photo storage on local disk: round trip, server-made keys, no escape from the root, atomic writes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import get_settings
from services.photos import store as photo_store
from services.photos.store import LocalPhotoStore, check_key, get_photo_store, new_key, reset_photo_store


@pytest.fixture
def store(tmp_path: Path) -> LocalPhotoStore:
    return LocalPhotoStore(tmp_path / "photos")


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_round_trip(store: LocalPhotoStore) -> None:
    key = new_key()
    assert not store.exists(key)
    store.put(key, b"jpeg bytes")
    assert store.exists(key)
    assert store.get(key) == b"jpeg bytes"
    store.put(key, b"replaced")
    assert store.get(key) == b"replaced"
    store.delete(key)
    assert not store.exists(key)


def test_missing_key(store: LocalPhotoStore) -> None:
    key = new_key()
    with pytest.raises(FileNotFoundError):
        store.get(key)
    store.delete(key)  # no error: deletes may be retried


def test_new_keys_are_server_made_and_distinct() -> None:
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    for key in keys:
        folder, name = key.split("/")
        assert len(folder) == 2 and name.endswith(".jpg")
        assert check_key(key) == key
    assert new_key(".thumb.jpg").endswith(".thumb.jpg")


@pytest.mark.parametrize("suffix", ["", "jpg", "/../x", ".JPG", ".j/pg", "..jpg", ".jpg\x00"])
def test_new_key_refuses_odd_suffixes(suffix: str) -> None:
    with pytest.raises(ValueError):
        new_key(suffix)


@pytest.mark.parametrize(
    "key",
    [
        "../secret_key",
        "ab/../../secret_key.jpg",
        "ab/../cdef0123.jpg",
        "/etc/passwd",
        "/ab/cdef0123.jpg",
        "ab\\..\\..\\cdef0123.jpg",
        "ab/cdef0123.jpg/..",
        "ab/cdef0123..jpg",
        "ab/cdef0123.jpg\x00.png",
        "ab/cdef0123.jpg\n",
        "holiday photo.jpg",
        "",
    ],
)
def test_keys_that_could_escape_the_root_are_refused(store: LocalPhotoStore, key: str) -> None:
    for operation in (
        lambda: store.put(key, b"x"),
        lambda: store.get(key),
        lambda: store.delete(key),
        lambda: store.exists(key),
    ):
        with pytest.raises(ValueError):
            operation()
    assert not store.root.exists() or all_files(store.root) == []


def test_write_leaves_only_the_photo(store: LocalPhotoStore) -> None:
    key = new_key()
    store.put(key, b"x" * 100_000)
    assert all_files(store.root) == [key]


def test_failed_write_leaves_no_temporary_file_and_keeps_the_old_photo(
    store: LocalPhotoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    store.put(key, b"old")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(photo_store.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.put(key, b"new")
    assert all_files(store.root) == [key]
    assert store.get(key) == b"old"


def test_new_files_are_private(store: LocalPhotoStore) -> None:
    key = new_key()
    store.put(key, b"x")
    assert (store.root / key).stat().st_mode & 0o077 == 0


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    reset_photo_store()
    yield tmp_path
    get_settings.cache_clear()
    reset_photo_store()


def test_app_store_lives_in_the_data_folder_and_is_cached(data_dir: Path) -> None:
    store = get_photo_store()
    assert store is get_photo_store()
    key = new_key()
    store.put(key, b"x")
    assert (data_dir / "photos" / key).read_bytes() == b"x"
    reset_photo_store()
    assert get_photo_store() is not store
    assert os.path.isfile(data_dir / "photos" / key)
