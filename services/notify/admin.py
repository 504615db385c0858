"""What the admin outbox page and the profile ask of the outbox: lists, counts, resends, choices, bots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from core.config import get_settings
from core.i18n import N_
from models import AreaBot, Channel, ChannelChoice, OutboxMessage, OutboxStatus, Role, User
from models.common import utcnow
from services import audit
from services.errors import Forbidden, InvalidInput
from services.notify import outbox
from services.notify.optout import mask_phone
from services.notify.policy import org_day_bounds
from services.notify.recipients import channel_choice
from services.notify.templates import TEXTS, example_params, render, sms_length

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STATUS_LABELS = {OutboxStatus.pending: N_("Waiting"), OutboxStatus.sending: N_("Sending"),
                 OutboxStatus.sent: N_("Sent"), OutboxStatus.failed: N_("Failed"),
                 OutboxStatus.skipped: N_("Not sent")}
CHANNEL_LABELS = {Channel.in_app: N_("In the app"), Channel.sms: N_("SMS"), Channel.email: N_("E-mail"),
                  Channel.bot: N_("Group bot")}


def _admin_only(actor: User) -> None:
    if actor.role != Role.admin or not actor.active:
        raise Forbidden(N_("Only administrators can see the outbox."))


@dataclass
class OutboxRow:
    id: int
    created_at: datetime
    channel: Channel
    kind: str
    recipient: str  # masked
    status: OutboxStatus
    attempts: int
    last_error: str
    sent_at: datetime | None
    text: str  # as the recipient reads it (the log provider's "sent" SMS are read here)


def masked(message: OutboxMessage) -> str:
    if message.channel == Channel.sms:
        return mask_phone(message.recipient)
    if message.channel == Channel.email and "@" in message.recipient:
        name, _, domain = message.recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    return message.recipient


def list_outbox(session: Session, actor: User, status: OutboxStatus | None = None, channel: Channel | None = None,
                limit: int = 100) -> list[OutboxRow]:
    _admin_only(actor)
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    rows = session.exec(query.order_by(col(OutboxMessage.id).desc()).limit(limit)).all()
    return [OutboxRow(m.id, m.created_at, m.channel, m.kind, masked(m), m.status, m.attempts, m.last_error,
                      m.sent_at, "" if m.anonymised else render(m.kind, outbox.params_of(m), m.language))
            for m in rows]


def counts_per_day(session: Session, actor: User, days: int = 14, now: datetime | None = None
                   ) -> dict[str, dict[Channel, int]]:
    """Messages sent per organisation day (newest first) and channel."""
    _admin_only(actor)
    now = now or utcnow()
    start, end = org_day_bounds(now)
    counts: dict[str, dict[Channel, int]] = {}
    for back in range(days):  # one indexed count per organisation day (days have their own UTC bounds)
        day_start, day_end = start - timedelta(days=back), end - timedelta(days=back)
        rows = session.exec(select(OutboxMessage.channel, func.count()).where(
            OutboxMessage.status == OutboxStatus.sent, col(OutboxMessage.sent_at) >= day_start,
            col(OutboxMessage.sent_at) < day_end).group_by(OutboxMessage.channel)).all()
        if rows:
            day = day_start.astimezone(ZoneInfo(get_settings().time_zone)).date().isoformat()
            counts[day] = {channel: int(n) for channel, n in rows}
    return counts


def status_totals(session: Session, actor: User) -> dict[OutboxStatus, int]:
    _admin_only(actor)
    rows = session.exec(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: int(n) for status, n in rows}


def resend_failed(session: Session, actor: User, message_id: int) -> None:
    _admin_only(actor)
    if not outbox.resend(session, message_id):
        raise InvalidInput(N_("Only a failed message can be sent again."))
    audit.record(session, actor, "notify.resend", "notifyoutbox", message_id)


@dataclass
class TemplateLength:
    kind: str
    text: str
    characters: int
    segments: int


def template_lengths(lang: str) -> list[TemplateLength]:
    """Each message's text with typical values, its length with the signature, and SMS parts."""
    sign = get_settings().aliyun_sms_sign_name or "社区服务"
    result = []
    for kind in TEXTS:
        if kind.startswith("digest."):
            continue
        text = render(kind, example_params(kind), lang)
        length = sms_length(text, sign)
        result.append(TemplateLength(kind, text, length.characters, length.segments))
    return result


def own_channels(session: Session, actor: User) -> ChannelChoice:
    return channel_choice(session, actor.id)


def save_own_channels(session: Session, actor: User, in_app: bool, sms: bool, email: bool,
                      email_address: str) -> ChannelChoice:
    address = (email_address or "").strip()
    if address and (len(address) > 200 or not EMAIL_RE.match(address)):
        raise InvalidInput(N_("Enter a valid e-mail address."))
    if email and not address:
        raise InvalidInput(N_("Enter the e-mail address to send to."))
    if sms and not actor.phone:
        raise InvalidInput(N_("Your account has no phone number for SMS."))
    choice = session.get(ChannelChoice, actor.id) or ChannelChoice(user_id=actor.id)
    choice.in_app, choice.sms, choice.email, choice.email_address = in_app, sms, email, address
    session.add(choice)
    audit.record(session, actor, "notify.channels", "user", actor.id)
    return choice


def set_area_bot(session: Session, actor: User, area_id: int, apprise_url: str) -> None:
    """An area's own group bot (empty URL: back to the organisation's)."""
    _admin_only(actor)
    url = (apprise_url or "").strip()
    bot = session.get(AreaBot, area_id)
    if not url:
        if bot is not None:
            session.delete(bot)
    else:
        import apprise

        if len(url) > 500 or apprise.Apprise.instantiate(url) is None:
            raise InvalidInput(N_("This is not a bot address Doorstep can use."))
        bot = bot or AreaBot(area_id=area_id, apprise_url=url)
        bot.apprise_url = url
        session.add(bot)
    audit.record(session, actor, "notify.area_bot", "area", area_id)


def area_bots(session: Session, actor: User) -> dict[int, str]:
    """Areas with their own bot; the URL is shown only as its service (it holds the bot's key)."""
    _admin_only(actor)
    return {b.area_id: b.apprise_url.split("://", 1)[0] + "://…" for b in session.exec(select(AreaBot)).all()}
