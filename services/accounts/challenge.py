"""A small arithmetic question that keeps simple bots off the public form, with no third party.

The question's answer is never stored: the token carries an expiry and a nonce, signed with an
HMAC over them and the answer, keyed by the app's secret. A token is accepted once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from core.config import get_settings
from core.i18n import N_
from services.errors import InvalidInput

TTL_SECONDS = 30 * 60
_used: dict[str, float] = {}  # nonce -> expiry, so a solved token cannot be replayed
_used_lock = threading.Lock()


@dataclass(frozen=True)
class Challenge:
    a: int
    b: int
    token: str

    @property
    def question(self) -> str:
        return f"{self.a} + {self.b}"


def _sign(expires: int, nonce: str, answer: int) -> str:
    key = hashlib.sha256(("challenge:" + get_settings().storage_secret()).encode()).digest()
    return hmac.new(key, f"{expires}.{nonce}.{answer}".encode(), hashlib.sha256).hexdigest()[:32]


def new_challenge(now: float | None = None) -> Challenge:
    now = time.time() if now is None else now
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    expires, nonce = int(now) + TTL_SECONDS, secrets.token_hex(8)
    return Challenge(a, b, f"{expires}.{nonce}.{_sign(expires, nonce, a + b)}")


def verify_challenge(token: str, answer: str | int | None, now: float | None = None) -> None:
    """Accept a correct, unexpired, unused answer; InvalidInput otherwise."""
    now = time.time() if now is None else now
    try:
        expires_text, nonce, signature = token.split(".")
        expires, given = int(expires_text), int(str(answer).strip())
    except (AttributeError, ValueError) as exc:
        raise InvalidInput(N_("Answer the question with a number.")) from exc
    if expires < now:
        raise InvalidInput(N_("The question has expired. Answer the new one."))
    if not hmac.compare_digest(signature, _sign(expires, nonce, given)):
        raise InvalidInput(N_("That answer is not right. Try again."))
    with _used_lock:
        for old in [n for n, exp in _used.items() if exp < now]:
            del _used[old]
        if nonce in _used:
            raise InvalidInput(N_("The question has expired. Answer the new one."))
        _used[nonce] = expires
