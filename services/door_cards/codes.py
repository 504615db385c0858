"""What a door card's QR code holds: the card's id and its secret; only the secret's hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX = "DSC1"
CODE_RE = re.compile(rf"^{PREFIX}\.(\d{{1,9}})\.([A-Za-z0-9_-]{{20,64}})$")
MAX_CODE_LENGTH = 200


@dataclass(frozen=True)
class ScannedCode:
    card_id: int
    secret: str


def new_secret() -> str:
    return secrets.token_urlsafe(18)


def secret_hash(secret: str) -> str:
    # The secret is 144 random bits: a plain hash cannot be reversed by guessing.
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def card_code(card_id: int, secret: str) -> str:
    return f"{PREFIX}.{card_id}.{secret}"


def parse_code(text: str) -> ScannedCode | None:
    match = CODE_RE.match((text or "").strip()[:MAX_CODE_LENGTH])
    return ScannedCode(int(match.group(1)), match.group(2)) if match else None
