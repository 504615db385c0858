"""The ``log`` SMS provider (default for development and the demo): the text goes to the log only.

The admin outbox page shows what was "sent". Nothing leaves the machine.
"""

from __future__ import annotations

import logging

from models import Channel
from services.notify.optout import mask_phone
from services.notify.providers import Delivery

log = logging.getLogger("doorstep.sms")


class LogSms:
    channel = Channel.sms
    name = "log"

    def send(self, delivery: Delivery) -> str:
        log.info("SMS to %s (%s): %s", mask_phone(delivery.recipient), delivery.kind, delivery.text)
        return f"log-{delivery.external_id}"

    def find_sent(self, delivery: Delivery) -> str | None:
        return None
