"""Calendar files: one .ics per event and a personal feed behind a secret token."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime, timedelta

from icalendar import Calendar
from icalendar import Event as IcsEvent
from sqlmodel import Session, col, select

from core.i18n import N_
from models import CalendarFeed, Event, EventStatus, Signup, User
from models.common import utcnow
from services.errors import NotFound
from services.events.catalogue import ACTIVE

PRODID = "-//Doorstep//Volunteer events//EN"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
log = logging.getLogger(__name__)


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _line(name))
    return cal


def _line(text: str) -> str:
    """One line of text: control characters (a carriage return ends an iCalendar line) become spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _paragraphs(text: str) -> str:
    """Text with its line breaks (iCalendar escapes them) and no other control characters."""
    return "\n".join(_line(part) for part in text.replace("\r\n", "\n").split("\n"))


def _ics_event(event: Event, base_url: str, stamp: datetime) -> IcsEvent:
    item = IcsEvent()
    item.add("uid", f"event-{event.id}@doorstep")
    item.add("dtstamp", stamp)
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", _line(event.title))
    if event.description:
        item.add("description", _paragraphs(event.description))
    if event.address:
        item.add("location", _line(event.address))
    if event.lat is not None and event.lng is not None:
        item.add("geo", (event.lat, event.lng))
    if base_url:
        item.add("url", f"{base_url.rstrip('/')}/events/{event.id}")
    item.add("status", "CANCELLED" if event.status == EventStatus.cancelled else "CONFIRMED")
    item.add("last-modified", event.updated_at)
    return item


def event_ics(event: Event, base_url: str = "") -> bytes:
    cal = _calendar(event.title)
    cal.add_component(_ics_event(event, base_url, utcnow()))
    return cal.to_ical()


def feed_token(session: Session, user: User) -> str:
    """The user's feed token, made on first use."""
    feed = session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(24))
        session.add(feed)
        session.flush()
    return feed.token


def reset_feed_token(session: Session, user: User) -> str:
    """A new token: the old feed URL stops working (e.g. after sharing it by mistake)."""
    feed = session.get(CalendarFeed, user.id)
    if feed is not None:
        session.delete(feed)
        session.flush()
    return feed_token(session, user)


def personal_feed(session: Session, token: str, base_url: str = "", now: datetime | None = None) -> bytes:
    """Events the token's owner is signed up or waitlisted for, from 60 days ago on."""
    now = now or utcnow()
    feed = session.exec(select(CalendarFeed).where(CalendarFeed.token == token)).first() if token else None
    user = session.get(User, feed.user_id) if feed else None
    if feed is None or user is None or not user.active or not secrets.compare_digest(feed.token, token):
        raise NotFound(N_("Calendar not found."))
    events = session.exec(
        select(Event).join(Signup, col(Signup.event_id) == Event.id)
        .where(Signup.user_id == user.id, col(Signup.status).in_(ACTIVE), Event.ends_at >= now - timedelta(days=60))
        .order_by(col(Event.starts_at))
    ).all()
    cal = _calendar("Doorstep")
    for event in events:
        try:  # one event that cannot be written must not take the whole feed down
            cal.add_component(_ics_event(event, base_url, now))
        except (ValueError, TypeError):
            log.exception("calendar feed: event %s left out", event.id)
    return cal.to_ical()
