"""Volunteers, members and coordinators: each trigger queues the right message on the channels chosen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from core.db import session_scope
from core.i18n import N_
from models import Channel, ChannelChoice, Event, OutboxStatus, RequestStatus, Satisfaction, ServiceRequest, User
from models.common import utcnow
from services.events.catalogue import EventForm, cancel_event, update_event
from services.events.signups import cancel_signup, sign_up
from services.notifications import notices_for
from services.notify import digests
from services.notify.scans import queue_event_reminders
from services.requests.feedback import rate_by_code
from services.requests.tracking import change_status
from tests.helpers import account
from tests.helpers.events import make_event
from tests.helpers.notify import daytime, local_time, outbox, public_request, request_code, send_all
from tests.helpers.notify_fakes import FakeAliyunSms, FakeWeComBot


def _kinds(fake: FakeAliyunSms, phone: str) -> list[str]:
    return [a["template"] for a in fake.accepted if a["phone"] == phone]


def test_notif_volunteers_sign_up_waitlist_promotion_move_and_cancel(demo: Session, fake_sms: FakeAliyunSms) -> None:
    now = daytime()
    event_id = make_event(demo, account(demo, "coord"), capacity=1, starts_in=now - utcnow() + timedelta(days=3))
    v1, v2 = account(demo, "volunteer1"), account(demo, "volunteer2")
    with session_scope() as s:
        first = sign_up(s, v1, event_id)
        sign_up(s, v2, event_id)
    send_all(now)
    assert _kinds(fake_sms, "13700000001") == ["SMS_100004"]  # confirmed
    assert _kinds(fake_sms, "13700000002") == ["SMS_100005"]  # waitlisted
    with session_scope() as s:
        cancel_signup(s, v1, first.id)
    send_all(now)
    assert _kinds(fake_sms, "13700000002") == ["SMS_100005", "SMS_100006"]  # promoted

    coord = account(demo, "coord")
    with session_scope() as s:
        event = s.get(Event, event_id)
        form = EventForm(area_id=event.area_id, title=event.title, starts_at=event.starts_at + timedelta(hours=2),
                         ends_at=event.ends_at + timedelta(hours=2), address=event.address, capacity=event.capacity)
        update_event(s, coord, event_id, form)
        update_event(s, coord, event_id, form)  # saved twice: told once
    send_all(now)
    assert _kinds(fake_sms, "13700000002")[-1] == "SMS_100010"
    assert len([k for k in _kinds(fake_sms, "13700000002") if k == "SMS_100010"]) == 1
    demo.rollback()
    assert sum("has moved" in n.msgid for n in notices_for(demo, v2)) == 1

    with session_scope() as s:
        cancel_event(s, coord, event_id)
    send_all(now)
    assert _kinds(fake_sms, "13700000002")[-1] == "SMS_100009"
    assert _kinds(fake_sms, "13700000001") == ["SMS_100004"]  # no longer signed up: not told


def test_notif_reminders_24h_and_2h_before_once_each(demo: Session, fake_sms: FakeAliyunSms) -> None:
    start = local_time(15, days=2)
    event_id = make_event(demo, account(demo, "coord"), starts_in=start - utcnow())
    with session_scope() as s:
        sign_up(s, account(s, "volunteer1"), event_id)
    for moment in (start - timedelta(hours=30), start - timedelta(hours=23, minutes=55),
                   start - timedelta(hours=23, minutes=50), start - timedelta(hours=1, minutes=55)):
        with session_scope() as s:
            queue_event_reminders(s, moment)
        send_all(moment)
    assert _kinds(fake_sms, "13700000001") == ["SMS_100004", "SMS_100007", "SMS_100008"]
    demo.rollback()
    assert sum("starts tomorrow" in n.msgid for n in notices_for(demo, account(demo, "volunteer1"))) == 1


def test_notif_reminder_held_in_quiet_hours_is_dropped_once_the_event_started(demo: Session,
                                                                               fake_sms: FakeAliyunSms) -> None:
    start = local_time(7, days=2)  # 2 h before is 05:00, in quiet hours; 08:00 is after the start
    event_id = make_event(demo, account(demo, "coord"), starts_in=start - utcnow())
    with session_scope() as s:
        sign_up(s, account(s, "volunteer1"), event_id)
    send_all(daytime())
    with session_scope() as s:
        queue_event_reminders(s, start - timedelta(hours=2))
    send_all(start - timedelta(hours=2))
    send_all(start + timedelta(hours=1))
    assert _kinds(fake_sms, "13700000001") == ["SMS_100004"]
    sms = [r for r in outbox(demo, "event.reminder_2h") if r.channel == Channel.sms]
    assert [(r.status, r.last_error) for r in sms] == [(OutboxStatus.skipped, "too late")]


def test_notif_not_satisfied_alerts_coordinators_and_area_bot_without_names(
        demo: Session, fake_sms: FakeAliyunSms, wecom_bot: FakeWeComBot) -> None:
    request_id = public_request(consent=False, description="王大爷家的热水器坏了")
    coord = account(demo, "coord")
    with session_scope() as s:
        change_status(s, coord, request_id, RequestStatus.resolved, note="已修好")
    with session_scope() as s:
        rate_by_code(s, request_code(demo, request_id), Satisfaction.not_satisfied, "没修好", "203.0.113.9")
    send_all(daytime())
    assert _kinds(fake_sms, "13800000002") == ["SMS_100011"]  # the coordinator's own phone
    assert len(wecom_bot.posts) == 1 and wecom_bot.posts[0]["key"] == "ORGBOTKEY"
    content = wecom_bot.posts[0]["text"]["content"]
    assert f"/requests/{request_id}" in content
    for private in ("王大爷", "热水器", "没修好", "已修好", request_code(demo, request_id)):
        assert private not in content


def test_notif_coordinator_daily_digest_by_email_composable_and_not_in_quiet_hours(demo: Session, smtp_server,
                                                                                   wecom_bot: FakeWeComBot) -> None:
    coord = account(demo, "coord")
    with session_scope() as s:
        s.add(ChannelChoice(user_id=coord.id, email=True, email_address="coord@example.org"))
    request_id = public_request(consent=False)
    now = daytime()
    with session_scope() as s:
        request = s.get(ServiceRequest, request_id)
        request.due_at = now - timedelta(days=1)
        s.add(request)
    digests.register_digest_section("coordinator_daily", "callbacks_due",
                                    lambda s, user, at: (N_("Callbacks due: {n}"), {"n": 4}))
    try:
        with session_scope() as s:
            digests.queue_digests(s, local_time(22))  # quiet hours: nothing
        assert outbox(demo, "digest.coordinator_daily") == []
        for _ in range(2):  # the job may wake twice in the hour
            with session_scope() as s:
                digests.queue_digests(s, now)
    finally:
        digests._SECTIONS["coordinator_daily"].pop("callbacks_due")
    send_all(now)
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail.rcpt_tos == ["coord@example.org"]
    body = mail.content.decode()
    assert "Overdue requests: 1" in body or "=E9" in body  # zh by default, quoted-printable
    assert len(wecom_bot.posts) == 1 and "1" in wecom_bot.posts[0]["text"]["content"]


def test_notif_member_weekly_digest_on_mondays_only(demo: Session, smtp_server) -> None:
    member = account(demo, "member1")
    with session_scope() as s:
        s.add(ChannelChoice(user_id=member.id, email=True, email_address="m1@example.org"))
        user = s.get(type(member), member.id)
        user.language = "en"
        s.add(user)
    monday = daytime()
    while monday.astimezone(digests.ZoneInfo("Asia/Shanghai")).weekday() != 0:
        monday += timedelta(days=1)
    with session_scope() as s:
        digests.queue_digests(s, monday + timedelta(days=1))
        digests.queue_digests(s, monday)
    send_all(monday)
    assert [m.rcpt_tos for m in smtp_server.messages] == [["m1@example.org"]]
    body = smtp_server.messages[0].content.decode()
    assert "Households overdue for a visit:" in body and "Your week in Doorstep" in body


def test_notif_profile_choice_sms_off_sends_none(demo: Session, fake_sms: FakeAliyunSms) -> None:
    v1 = account(demo, "volunteer1")
    with session_scope() as s:
        s.add(ChannelChoice(user_id=v1.id, sms=False))
    event_id = make_event(demo, account(demo, "coord"), starts_in=daytime() - utcnow() + timedelta(days=3))
    with session_scope() as s:
        sign_up(s, v1, event_id)
    send_all(daytime())
    assert fake_sms.accepted == []


def test_notif_reminder_scan_commits_in_batches_and_queues_each_once(demo: Session, monkeypatch) -> None:
    from services.notify import scans
    from tests.helpers.events import make_volunteers

    monkeypatch.setattr(scans, "BATCH", 3)  # a setting of the module under test, to see several batches
    start = local_time(15, days=2)
    event_id = make_event(demo, account(demo, "coord"), capacity=10, starts_in=start - utcnow())
    people = make_volunteers(demo, 7)
    for user_id in people:
        with session_scope() as s:
            sign_up(s, s.get(User, user_id), event_id, now=start - timedelta(days=1, hours=1))
    for _ in range(2):  # the scan runs again five minutes later: nothing new
        scans.scan_job(start - timedelta(hours=23))
    rows = [r for r in outbox(demo, "event.reminder_24h") if r.channel == Channel.in_app]
    assert len(rows) == 7


def test_notif_area_bot_gets_its_areas_alerts_instead_of_the_org_bot(demo: Session, wecom_bot: FakeWeComBot) -> None:
    from services.errors import InvalidInput
    from services.notify.admin import set_area_bot

    request_id = public_request(consent=False)
    admin = account(demo, "admin")
    with session_scope() as s:
        area_id = s.get(ServiceRequest, request_id).area_id
        with pytest.raises(InvalidInput):
            set_area_bot(s, admin, area_id, "not a bot")
        set_area_bot(s, admin, area_id, "wecombot://AREAKEY")
    with session_scope() as s:
        change_status(s, account(s, "coord"), request_id, RequestStatus.resolved, note="ok")
    with session_scope() as s:
        rate_by_code(s, request_code(demo, request_id), Satisfaction.not_satisfied, "", "203.0.113.9")
    send_all(daytime())
    assert [p["key"] for p in wecom_bot.posts] == ["AREAKEY"]
