"""Channel providers: one small class per service, chosen by settings.

Adding an SMS provider (e.g. Tencent Cloud SMS) takes one module here: a class with ``channel``,
``name``, ``send(delivery) -> provider reference`` that raises ``TemporaryFailure`` (retry later:
5xx, throttling, network) or ``PermanentFailure`` (bad number, missing template), and
``find_sent(delivery) -> reference or None`` that asks the provider whether a message with this
delivery's ``external_id`` already went out (None where the provider cannot tell). Then add its
name to ``sms_provider()`` in choice.py. docs/DEPLOY.md walks through it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from models import Channel


class TemporaryFailure(Exception):
    """The provider may accept the message later."""


class PermanentFailure(Exception):
    """The provider will never accept this message."""


@dataclass
class Delivery:
    """What a provider needs for one outbox row: already rendered in the recipient's language."""

    key: str
    channel: Channel
    kind: str
    recipient: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)
    subject: str = ""
    first_attempt: bool = True  # False: an earlier sender may have handed it over before it stopped
    created_at: datetime | None = None

    @property
    def external_id(self) -> str:
        """A short id derived from the idempotency key, sent along where the provider keeps one."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:32]


class Provider(Protocol):
    channel: Channel
    name: str

    def send(self, delivery: Delivery) -> str:
        """Hand the message over; returns the provider's message or request id."""

    def find_sent(self, delivery: Delivery) -> str | None:
        """The provider's id if it already has this message, None if not (or it cannot tell)."""
