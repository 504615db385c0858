"""Shared set-up for the notification tests: a daytime clock, public requests with consent, the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.db import session_scope
from models import OutboxMessage, ServiceRequest
from models.common import utcnow
from services.accounts import challenge
from services.notify.sender import run_sender
from services.requests.feedback import PublicRequestInput, submit_public_request

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(hour: int, minute: int = 0, days: int = 0) -> datetime:
    """The next moment at hour:minute in the organisation's zone, at least ``days`` ahead (UTC)."""
    now = utcnow().astimezone(SHANGHAI)
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0) + timedelta(days=days)
    if moment < now:
        moment += timedelta(days=1)
    return moment.astimezone(UTC)


def daytime() -> datetime:
    """10:00 in the organisation's zone, today or tomorrow: never in quiet hours, never before now."""
    return local_time(10)


def public_request(phone: str = "13812340001", consent: bool = True,
                   description: str = "楼道灯坏了，李阿姨家门口") -> int:
    c = challenge.new_challenge()
    form = PublicRequestInput(category_id=1, description=description, contact_name="李阿姨", contact_phone=phone,
                              sms_consent=consent)
    with session_scope() as s:
        return submit_public_request(s, form, "203.0.113.40", c.token, c.a + c.b).id


def send_all(now: datetime) -> dict[str, int]:
    return run_sender(now=now, budget_s=60)


def outbox(session: Session, kind: str | None = None) -> list[OutboxMessage]:
    session.rollback()  # a fresh read
    query = select(OutboxMessage).order_by(col(OutboxMessage.id))
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(session.exec(query).all())


def template_params(sent: dict) -> dict:
    return json.loads(sent["params"])


def request_code(session: Session, request_id: int) -> str:
    session.rollback()
    return session.get(ServiceRequest, request_id).tracking_code
