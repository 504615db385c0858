"""Residents' SMS opt-out: every number texted gets a short link; once used, nothing more goes there."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_
from models import SmsContact
from models.common import utcnow
from services import audit
from services.errors import NotFound

TOKEN_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def normalise_phone(phone: str) -> str:
    """Digits only, without a +86 / 0086 country prefix: one number, one opt-out."""
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


def mask_phone(phone: str) -> str:
    """138****0001: enough to tell numbers apart on the admin page, not to call them."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def contact_for(session: Session, phone: str) -> SmsContact:
    """The contact row of a number, created with a fresh opt-out token the first time."""
    phone = normalise_phone(phone)
    contact = session.exec(select(SmsContact).where(SmsContact.phone == phone)).first()
    if contact is not None:
        return contact
    contact = SmsContact(phone=phone, token="".join(secrets.choice(TOKEN_ALPHABET) for _ in range(10)))
    try:
        with session.begin_nested():
            session.add(contact)
            session.flush()
    except IntegrityError:  # another transaction added the number first
        found = session.exec(select(SmsContact).where(SmsContact.phone == phone)).first()
        if found is None:
            raise
        return found
    return contact


def opt_out_link(contact: SmsContact) -> str:
    return f"{get_settings().public_url.rstrip('/')}/o/{contact.token}"


def is_opted_out(session: Session, phone: str) -> bool:
    contact = session.exec(select(SmsContact).where(SmsContact.phone == normalise_phone(phone))).first()
    return contact is not None and contact.opted_out_at is not None


def contact_by_token(session: Session, token: str) -> SmsContact:
    contact = session.exec(select(SmsContact).where(SmsContact.token == (token or "").strip().lower())).first()
    if contact is None:
        raise NotFound(N_("This link is not valid."))
    return contact


def opt_out(session: Session, token: str, now: datetime | None = None) -> SmsContact:
    """Stop all SMS to the number behind the link; audited once, repeating it changes nothing."""
    contact = contact_by_token(session, token)
    if contact.opted_out_at is None:
        contact.opted_out_at = now or utcnow()
        session.add(contact)
        audit.record(session, None, "notify.opt_out", "notifysmscontact", contact.id)
    return contact


def link_state(session: Session, token: str) -> tuple[str, bool] | None:
    """What the opt-out page shows for a link: the masked number and whether it is already out; None if invalid."""
    try:
        contact = contact_by_token(session, token)
    except NotFound:
        return None
    return mask_phone(contact.phone), contact.opted_out_at is not None


def stop_sms(token: str) -> None:
    """``opt_out`` in a transaction of its own, for a worker thread (the link's holder has no account)."""
    with session_scope() as session:
        opt_out(session, token)
