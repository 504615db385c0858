"""Message texts per kind (gettext msgids), rendered in the recipient's language, and SMS length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.config import get_settings
from core.i18n import N_, format_date, format_datetime, translate

# Kinds sent to residents: each carries the opt-out link, none names a household or its needs.
RESIDENT_KINDS = ("request.accepted", "request.answered", "request.overdue")
DIGEST_PREFIX = "digest."

TEXTS: dict[str, str] = {
    "request.accepted": N_("Your request {code} was accepted. We will answer by {due_date}."),
    "request.answered": N_("Your request {code} has an answer. Tell us if you are satisfied: {link}"),
    "request.overdue": N_("Sorry, your request {code} is taking longer than promised. "
                          "We will answer by {due_date}."),
    "signup.confirmed": N_("You are signed up for {title} on {starts_at}."),
    "signup.waitlisted": N_("You are on the waitlist for {title} on {starts_at}."),
    "signup.promoted": N_("A place became free: you are now confirmed for {title} on {starts_at}."),
    "event.reminder_24h": N_("Reminder: {title} starts tomorrow, {starts_at}."),
    "event.reminder_2h": N_("Reminder: {title} starts in 2 hours, {starts_at}."),
    "event.cancelled": N_("The event {title} on {starts_at} was cancelled."),
    "event.moved": N_("The event {title} has moved: now {starts_at}, {address}."),
    "alert.not_satisfied": N_("A resident was not satisfied with an answer. Please look at it: {link}"),
    "digest.member_weekly": N_("Your week in Doorstep ({link}):"),
    "digest.coordinator_daily": N_("Today in your area ({link}):"),
}
OPT_OUT_SUFFIX = N_("Stop these SMS: {optout} or reply TD")
EMAIL_SUBJECT = N_("Doorstep: a message for you")


@dataclass(frozen=True)
class SmsLength:
    characters: int
    segments: int
    unicode: bool


def sms_length(text: str, sign_name: str = "") -> SmsLength:
    """Characters and billed segments: 70 per SMS with Chinese (UCS-2), 67 per part of a long one.

    Chinese carriers count the 【signature】 too; plain GSM text fits 160 (153 per part).
    """
    full = f"【{sign_name}】{text}" if sign_name else text
    chars = len(full)
    unicode = any(ord(c) > 127 for c in full)
    single, part = (70, 67) if unicode else (160, 153)
    segments = 1 if chars <= single else -(-chars // part)
    return SmsLength(chars, segments, unicode)


def _format_value(key: str, value: Any, lang: str) -> Any:
    tz = get_settings().time_zone
    if isinstance(value, str) and key.endswith(("_at", "_date")):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_date(moment, tz, lang) if key.endswith("_date") else format_datetime(moment, tz, lang)
    return value


def render_line(msgid: str, params: dict[str, Any], lang: str) -> str:
    values = {k: _format_value(k, v, lang) for k, v in params.items() if not k.startswith("_")}
    try:
        return translate(msgid, lang).format(**values)
    except (KeyError, IndexError):
        return translate(msgid, lang)


def render(kind: str, params: dict[str, Any], lang: str) -> str:
    """The full text of one message: its line, a digest's sections, the resident opt-out link."""
    text = render_line(TEXTS.get(kind, kind), params, lang)
    for line in params.get("_lines", []):
        text += "\n" + render_line(line[0], line[1], lang)
    if params.get("optout"):
        text += " " + render_line(OPT_OUT_SUFFIX, {"optout": params["optout"]}, lang)
    return text


def example_params(kind: str) -> dict[str, Any]:
    """Typical values, for the length counter next to each template."""
    base = get_settings().public_url.rstrip("/")
    return {"code": "ABCD234567", "due_date": "2026-12-24T10:00:00+00:00", "starts_at": "2026-12-24T01:30:00+00:00",
            "title": "社区义诊", "address": "社区服务中心", "link": f"{base}/public/request/ABCD234567",
            "optout": f"{base}/o/abcdefgh" if kind in RESIDENT_KINDS else ""}
