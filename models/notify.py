"""Messages to people outside the app: the outbox, opt-outs, consents, channel choices, area bots."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.common import utcnow


class Channel(StrEnum):
    in_app = "in_app"  # recorded as sent at once: the notice itself is in services/notifications.py
    sms = "sms"
    email = "email"
    bot = "bot"


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"  # claimed by one sender until lease_expires_at
    sent = "sent"
    failed = "failed"  # gave up after retries (an admin may resend)
    skipped = "skipped"  # never sent on purpose: opted out, daily cap, a digest in quiet hours


class OutboxMessage(SQLModel, table=True):
    """One message to one recipient on one channel; the idempotency key makes it happen once."""

    __tablename__ = "notifyoutbox"
    __table_args__ = (
        Index("ix_notifyoutbox_due", "status", "next_attempt_at"),
        Index("ix_notifyoutbox_recipient_sent", "channel", "recipient", "sent_at"),
        Index("ix_notifyoutbox_sent", "status", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    channel: Channel = Field(index=True)
    kind: str = Field(max_length=64)  # the template: "request.accepted", "event.reminder_24h", ...
    recipient: str = Field(default="", max_length=200)  # phone, e-mail address, or bot key; blanked later
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="area.id")
    language: str = "zh_CN"
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    status: OutboxStatus = OutboxStatus.pending
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None  # not worth sending after this (a reminder for a started event)
    lease_holder: str = ""
    lease_expires_at: datetime | None = None
    last_error: str = ""
    provider_ref: str = ""  # the provider's request / message id
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None
    anonymised: bool = False


class SmsContact(SQLModel, table=True):
    """A phone number we may text, its opt-out link token, and whether it opted out (kept for good)."""

    __tablename__ = "notifysmscontact"

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=30, unique=True)
    token: str = Field(max_length=32, unique=True)
    opted_out_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class RequestSmsConsent(SQLModel, table=True):
    """The resident ticked "send me SMS about this request": to this number."""

    __tablename__ = "notifyrequestconsent"

    request_id: int = Field(primary_key=True, foreign_key="servicerequest.id")
    phone: str = Field(max_length=30)
    consented_at: datetime = Field(default_factory=utcnow)


class ChannelChoice(SQLModel, table=True):
    """An account's channels; no row means the defaults (in-app and SMS on, e-mail off)."""

    __tablename__ = "notifychannelchoice"

    user_id: int = Field(primary_key=True, foreign_key="user.id")
    in_app: bool = True
    sms: bool = True
    email: bool = False
    email_address: str = Field(default="", max_length=200)


class AreaBot(SQLModel, table=True):
    """A group bot (an Apprise URL) that receives an area's coordinator messages."""

    __tablename__ = "notifyareabot"

    area_id: int = Field(primary_key=True, foreign_key="area.id")
    apprise_url: str = Field(max_length=500)
