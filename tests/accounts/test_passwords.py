"""Password hashes: production's Argon2id parameters (the other tests run with cheap ones)."""

from __future__ import annotations

import pytest

from core import config
from services.accounts.passwords import hash_password, verify_password


def test_production_hashes_use_argon2id_with_rfc_9106_low_memory_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DOORSTEP_ARGON2_TIME_COST", "DOORSTEP_ARGON2_MEMORY_KIB", "DOORSTEP_ARGON2_PARALLELISM"):
        monkeypatch.delenv(name)  # set to cheap values by conftest.py
    config.get_settings.cache_clear()
    stored = hash_password("a-long-secret-1")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password("a-long-secret-1", stored)
    assert not verify_password("a-long-secret-2", stored)


def test_a_hash_made_with_other_parameters_still_verifies() -> None:
    """Changing the parameters must not lock anyone out: a stored hash carries its own."""
    cheap = hash_password("a-long-secret-1")
    assert cheap.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    production = ("$argon2id$v=19$m=65536,t=3,p=4$E5H3mzKhqpF0vSKOTqVK7g$VvkZcChAj4VfOB9597IxJ/FIPst5o/1JvvESh+DD1jo")
    assert verify_password("x", production)
    assert not verify_password("y", production)
