"""When a message may go out: quiet hours in the organisation's time zone, the daily SMS cap, retries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from core.config import get_settings
from models import Channel, OutboxMessage, OutboxStatus

QUIET_CHANNELS = (Channel.sms, Channel.bot)
FIRST_RETRY = timedelta(minutes=1)
MAX_GAP = timedelta(hours=4)


def _quiet_window() -> tuple[time, time]:
    start, _, end = get_settings().notify_quiet_hours.partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().time_zone)


def in_quiet_hours(now: datetime) -> bool:
    start, end = _quiet_window()
    if start == end:
        return False
    local = now.astimezone(_zone()).time()
    return (local >= start or local < end) if start > end else start <= local < end


def quiet_hours_end(now: datetime) -> datetime:
    """The next moment quiet hours end (in UTC)."""
    _start, end = _quiet_window()
    local = now.astimezone(_zone())
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning.astimezone(UTC)


def org_day_bounds(now: datetime) -> tuple[datetime, datetime]:
    local = now.astimezone(_zone())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def sms_sent_today(session: Session, phone: str, now: datetime) -> int:
    """SMS handed to the provider (or being handed) for this number today, organisation time."""
    start, end = org_day_bounds(now)
    sent = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel == Channel.sms, OutboxMessage.recipient == phone,
        OutboxMessage.status == OutboxStatus.sent, col(OutboxMessage.sent_at) >= start,
        col(OutboxMessage.sent_at) < end)
    return int(session.exec(sent).one())


def over_daily_cap(session: Session, phone: str, now: datetime) -> bool:
    return sms_sent_today(session, phone, now) >= get_settings().sms_daily_cap


def _delay(attempt: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempt - 1, 0)), MAX_GAP)


def next_retry(attempts: int, now: datetime) -> datetime | None:
    """After ``attempts`` failed tries: 1, 2, 4 ... minutes later (at most 4 h apart), None once the
    waits so far add up to notify_max_retry_hours (24 h by default): then the message has failed."""
    waited = sum((_delay(a) for a in range(1, attempts)), timedelta())
    delay = _delay(attempts)
    if waited + delay > timedelta(hours=get_settings().notify_max_retry_hours):
        return None
    return now + delay
