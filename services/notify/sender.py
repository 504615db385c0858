"""The sender: claims due outbox rows, checks opt-out, quiet hours and the cap, hands them over, marks them.

Runs in the scheduled jobs (services/schedule/loop.py), never on a page. Each row is claimed with a
lease (outbox.claim_batch); a row whose sender stopped between the provider's answer and the mark
is claimed again once its lease runs out, and before a second hand-over the provider is asked
whether it already has the message (``find_sent``). docs/DEPLOY.md says what remains possible.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial

from core.db import session_scope
from core.i18n import translate
from models import Channel, OutboxMessage, OutboxStatus
from models.common import utcnow
from services.notify import outbox, policy
from services.notify.optout import is_opted_out
from services.notify.providers import Delivery, PermanentFailure, Provider, TemporaryFailure
from services.notify.providers.choice import provider_for
from services.notify.templates import DIGEST_PREFIX, EMAIL_SUBJECT, render
from services.schedule.leases import HOLDER

log = logging.getLogger(__name__)
WORKERS = 8


def _delivery(message: OutboxMessage) -> Delivery:
    params = outbox.params_of(message)
    return Delivery(key=message.idempotency_key, channel=message.channel, kind=message.kind,
                    recipient=message.recipient, text=render(message.kind, params, message.language),
                    params=params, subject=translate(EMAIL_SUBJECT, message.language),
                    first_attempt=message.attempts <= 1, created_at=message.created_at)


def _reason_to_hold(message: OutboxMessage, now: datetime) -> tuple[OutboxStatus, str] | None:
    """Why this message must not go now: (skipped, reason) for good, (pending, reason) until morning."""
    if message.expires_at is not None and now >= message.expires_at:
        return OutboxStatus.skipped, "too late"
    if policy.in_quiet_hours(now):
        if message.kind.startswith(DIGEST_PREFIX):
            return OutboxStatus.skipped, "quiet hours: digests are not sent"
        if message.channel in policy.QUIET_CHANNELS:
            return OutboxStatus.pending, "quiet hours"
    if message.channel == Channel.sms:
        with session_scope(read_only=True) as session:
            if is_opted_out(session, message.recipient):
                return OutboxStatus.skipped, "opted out"
            if policy.over_daily_cap(session, message.recipient, now):
                return OutboxStatus.skipped, "daily cap reached"
    return None


def deliver_claimed(message: OutboxMessage, holder: str, now: datetime,
                    providers: dict[Channel, Provider | None]) -> OutboxStatus:
    """Hand one claimed message to its provider and record the outcome (if the claim is still ours)."""
    held = _reason_to_hold(message, now)
    with session_scope() as session:
        if held == (OutboxStatus.pending, "quiet hours"):
            outbox.mark(session, message.id, holder, OutboxStatus.pending, now=now, error="quiet hours",
                        retry_at=policy.quiet_hours_end(now), undo_attempt=True)
            return OutboxStatus.pending
        if held is not None:
            outbox.mark(session, message.id, holder, held[0], now=now, error=held[1])
            return held[0]
    provider = providers.get(message.channel)
    if provider is None:
        with session_scope() as session:
            outbox.mark(session, message.id, holder, OutboxStatus.skipped, now=now, error="channel not set up")
        return OutboxStatus.skipped
    delivery = _delivery(message)
    ref: str | None = None
    try:
        ref = None if delivery.first_attempt else provider.find_sent(delivery)
        if ref is None:
            ref = provider.send(delivery)
    except PermanentFailure as exc:
        status, error, retry_at = OutboxStatus.failed, str(exc), None
    except Exception as exc:
        if not isinstance(exc, TemporaryFailure):
            log.exception("provider %s failed on outbox row %s", provider.name, message.id)
        retry_at = policy.next_retry(message.attempts, now)
        status, error = (OutboxStatus.pending if retry_at else OutboxStatus.failed), str(exc) or type(exc).__name__
    else:
        status, error, retry_at = OutboxStatus.sent, "", None
    with session_scope() as session:
        if not outbox.mark(session, message.id, holder, status, now=now,
                           error=error, provider_ref=ref or "", retry_at=retry_at):
            log.warning("outbox row %s: the claim ran out before the outcome was recorded", message.id)
    return status


_local = threading.local()


def _thread_providers() -> dict[Channel, Provider | None]:
    """Each sender thread its own provider clients (an SDK client is not shared between threads)."""
    if not hasattr(_local, "providers"):
        _local.providers = {channel: provider_for(channel) for channel in (Channel.sms, Channel.email, Channel.bot)}
    return _local.providers


def _deliver_in_order(messages: list[OutboxMessage], holder: str, now: datetime) -> list[OutboxStatus]:
    providers = _thread_providers()
    return [deliver_claimed(m, holder, now, providers) for m in messages]


def run_sender(now: datetime | None = None, holder: str = HOLDER, batch: int = 200, budget_s: float = 50.0,
               workers: int = WORKERS) -> dict[str, int]:
    """Send what is due, batch after batch, for at most ``budget_s`` seconds; returns counts by outcome.

    A batch is handed over by ``workers`` threads (providers answer in 50-300 ms: one at a time,
    10,000 reminders would take most of an hour); one recipient's messages stay on one thread, in
    order, so the daily cap is counted before each of them.
    """
    started = time.monotonic()
    counts: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notify-sender") as pool:
        while time.monotonic() - started < budget_s:
            moment = now or utcnow()
            with session_scope() as session:
                claimed = outbox.claim_batch(session, holder, moment, limit=batch)
            if not claimed:
                break
            by_recipient: dict[tuple[Channel, str], list[OutboxMessage]] = defaultdict(list)
            for message in claimed:
                by_recipient[(message.channel, message.recipient)].append(message)
            for outcomes in pool.map(partial(_deliver_in_order, holder=holder, now=moment),
                                     by_recipient.values()):
                counts.update(status.value for status in outcomes)
    return dict(counts)


def sender_job(now: datetime) -> dict[str, int]:
    """The scheduled job: ``now`` is when the scheduler woke; sending uses the clock as it goes."""
    return run_sender()
