"""What every photo store shares: the shape of a key, a stored file, and the store's methods."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple, Protocol

# Only keys shaped like new_key() makes them are accepted: two hex characters of fan-out, a hex
# name and dotted lowercase suffixes. No "..", no leading "/", no backslash can get through.
_KEY_RE = re.compile(r"[0-9a-f]{2}/[0-9a-f]{8,64}(?:\.[a-z0-9]{1,10}){1,3}")
_SUFFIX_RE = re.compile(r"(?:\.[a-z0-9]{1,10}){1,3}")


class StoredFile(NamedTuple):
    key: str
    modified: datetime  # UTC


class PhotoStore(Protocol):
    """Bytes by key. A bucket-backed store (S3-compatible) fits the same methods."""

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes:
        """Raises FileNotFoundError when there is no such key."""
        ...

    def delete(self, key: str) -> None:
        """Deleting a missing key is not an error: deletes are retried after partial failures."""
        ...

    def exists(self, key: str) -> bool: ...

    def list_files(self) -> Iterator[StoredFile]:
        """Every stored photo file with its last change; names not shaped like keys are skipped."""
        ...

    def remove_stale_temp_files(self, older_than: datetime) -> int:
        """Delete half-written uploads left by a crash; returns how many."""
        ...


def new_key(suffix: str = ".jpg") -> str:
    """A fresh server-made key such as "3f/9a1c...e2.jpg"; never derived from the user's filename."""
    if not _SUFFIX_RE.fullmatch(suffix):
        raise ValueError(f"invalid key suffix: {suffix!r}")
    token = secrets.token_hex(16)
    # The two-character folder keeps any one directory from holding every photo.
    return f"{token[:2]}/{token[2:]}{suffix}"


def check_key(key: str) -> str:
    """The key itself if it is well formed; ValueError otherwise."""
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise ValueError(f"invalid photo key: {key!r}")
    return key


def is_key(name: str) -> bool:
    """Whether ``name`` is shaped like a key (listing a store skips anything else)."""
    return bool(_KEY_RE.fullmatch(name))
