"""Who gets a message on which channel: an account's channel choices, a resident's consented number, bots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.config import get_settings
from models import (
    Area,
    AreaBot,
    Channel,
    ChannelChoice,
    OutboxStatus,
    RequestSmsConsent,
    Role,
    ServiceRequest,
    User,
)
from models.common import utcnow
from services.notifications import notify
from services.notify.optout import contact_for, normalise_phone, opt_out_link
from services.notify.outbox import enqueue
from services.notify.providers.apprise_bot import org_bot_urls
from services.notify.templates import TEXTS

# The channels each kind may use; SMS is for what is short and time-bound.
USER_CHANNELS: dict[str, tuple[Channel, ...]] = {
    "digest.member_weekly": (Channel.email,),
    "digest.coordinator_daily": (Channel.email,),
}
DEFAULT_USER_CHANNELS = (Channel.sms, Channel.email)


def channel_choice(session: Session, user_id: int) -> ChannelChoice:
    """The account's choices, or the defaults (in-app and SMS on, e-mail off) when never saved."""
    return session.get(ChannelChoice, user_id) or ChannelChoice(user_id=user_id)


def _language(user: User) -> str:
    return user.language or get_settings().default_language


def tell_user(session: Session, user: User, kind: str, key: str, params: dict[str, Any], link: str = "", *,
              in_app: bool = False, expires_at: datetime | None = None, choice: ChannelChoice | None = None) -> None:
    """Queue ``kind`` for one account on the channels it chose; ``in_app`` adds the notice too
    (callers that already write the in-app notice leave it False). Scans pass ``choice``, read
    for a whole batch of accounts at once."""
    choice = choice or channel_choice(session, user.id)
    if in_app and choice.in_app:
        row = enqueue(session, f"{key}:in_app", Channel.in_app, kind, f"user:{user.id}", params, user_id=user.id,
                      language=_language(user))
        if row is not None:  # the first time only: scans and repeated saves add no second notice
            notify(session, user.id, TEXTS[kind], link=link, **params)
            row.status, row.sent_at = OutboxStatus.sent, utcnow()
            session.add(row)
    allowed = USER_CHANNELS.get(kind, DEFAULT_USER_CHANNELS)
    base = get_settings().public_url.rstrip("/")
    params = {**params, "link": f"{base}{link}"} if link else params
    if Channel.sms in allowed and choice.sms and user.phone:
        enqueue(session, f"{key}:sms", Channel.sms, kind, normalise_phone(user.phone), params, user_id=user.id,
                language=_language(user), expires_at=expires_at)
    if Channel.email in allowed and choice.email and choice.email_address:
        enqueue(session, f"{key}:email", Channel.email, kind, choice.email_address, params, user_id=user.id,
                language=_language(user), expires_at=expires_at)


def tell_resident(session: Session, request: ServiceRequest, kind: str, key: str, params: dict[str, Any]) -> None:
    """An SMS to the number the resident gave with consent, with the opt-out link; else nothing."""
    consent = session.get(RequestSmsConsent, request.id)
    if consent is None:
        return
    contact = contact_for(session, consent.phone)
    if contact.opted_out_at is not None:
        return
    enqueue(session, key, Channel.sms, kind, contact.phone, {**params, "optout": opt_out_link(contact)},
            area_id=request.area_id, language=get_settings().default_language)


def coordinators_of(session: Session, area_id: int) -> list[User]:
    """Active coordinators whose area is this one or above it."""
    area = session.get(Area, area_id)
    above = [int(p) for p in (area.path if area else "").strip("/").split("/") if p] or [area_id]
    return list(session.exec(select(User).where(User.role == Role.coordinator, col(User.active).is_(True),
                                                col(User.area_id).in_(above)).order_by(User.id)).all())


def bot_for_area(session: Session, area_id: int) -> str | None:
    """The nearest bot at or above the area ("area:<id>"), else the organisation's ("org"), else None."""
    area = session.get(Area, area_id)
    path = [int(p) for p in (area.path if area else "").strip("/").split("/") if p]
    bots = {b.area_id for b in session.exec(select(AreaBot).where(col(AreaBot.area_id).in_(path or [area_id])))}
    for candidate in reversed(path):
        if candidate in bots:
            return f"area:{candidate}"
    return "org" if org_bot_urls() else None


def tell_bot(session: Session, area_id: int, kind: str, key: str, params: dict[str, Any]) -> None:
    """Counts and links only: the caller passes no names, addresses or needs."""
    recipient = bot_for_area(session, area_id)
    if recipient is not None:
        enqueue(session, key, Channel.bot, kind, recipient, params, area_id=area_id,
                language=get_settings().default_language)
