"""Password hashing (Argon2 via pwdlib) and the password policy."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from core.config import get_settings
from core.cpu_work import cpu_bound
from core.i18n import N_
from services.errors import InvalidInput

MIN_LENGTH = 8
COMMON_LIST = Path(__file__).resolve().parent / "data" / "common_passwords.txt.gz"
# A short list of passwords people reach for first; refused whatever their length. The packaged
# list (services/accounts/data/, see its README) is added to it; this set alone is the fallback.
COMMON = {
    "12345678", "123456789", "1234567890", "password", "password1", "qwerty123", "11111111",
    "88888888", "66666666", "00000000", "abc12345", "abcd1234", "iloveyou", "admin123",
    "a1234567", "qwertyui", "1qaz2wsx", "woaini1314", "12341234", "87654321", "passw0rd",
}


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The inline set plus the packaged list of common passwords (lower-cased)."""
    try:
        with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as fh:
            packaged = {line.strip().lower() for line in fh if line.strip()}
    except OSError:
        packaged = set()
    return frozenset(COMMON | packaged)


@lru_cache(maxsize=4)
def _argon2(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHash:
    return PasswordHash((Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism),))


def _hasher() -> PasswordHash:
    """New hashes use the configured parameters; a stored hash is verified with its own."""
    settings = get_settings()
    return _argon2(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)


def hash_password(password: str) -> str:
    return cpu_bound(_hasher().hash, password)


def _verify(password: str, password_hash: str) -> bool:
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # malformed hash: treat as a mismatch
        return False


def verify_password(password: str, password_hash: str) -> bool:
    """Argon2 runs on a low-priority CPU thread (core.cpu_work): sign-ins never starve the pages."""
    return cpu_bound(_verify, password, password_hash)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(N_("The password must have at least {n} characters."), n=MIN_LENGTH)
    if password.lower() in common_passwords():
        raise InvalidInput(N_("This password is too common. Choose another one."))
