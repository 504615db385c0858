"""Residents who asked for SMS hear when their request is accepted, answered and overdue; nobody else does."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from core.db import session_scope
from models import AuditEntry, OutboxStatus, RequestSmsConsent, RequestStatus, ServiceRequest
from services.households.records import list_households
from services.notify.optout import opt_out
from services.notify.scans import queue_overdue_apologies
from services.requests.tracking import RequestInput, change_status, raise_request
from tests.helpers import account
from tests.helpers.notify import daytime, outbox, public_request, request_code, send_all, template_params
from tests.helpers.notify_fakes import FakeAliyunSms


def test_notif_resident_hears_accepted_then_answered_with_rating_link(demo: Session, fake_sms: FakeAliyunSms) -> None:
    request_id = public_request()
    coord = account(demo, "coord")
    with session_scope() as s:
        change_status(s, coord, request_id, RequestStatus.in_progress)
    send_all(daytime())
    assert [a["template"] for a in fake_sms.accepted] == ["SMS_100001"]
    accepted = template_params(fake_sms.accepted[0])
    code = request_code(demo, request_id)
    assert accepted["code"] == code and accepted["due_date"] and accepted["optout"].startswith("http")
    assert fake_sms.accepted[0]["phone"] == "13812340001" and fake_sms.accepted[0]["sign"] == "幸福社区"

    with session_scope() as s:
        change_status(s, coord, request_id, RequestStatus.resolved, note="灯已换好")
    send_all(daytime())
    answered = template_params(fake_sms.accepted[1])
    assert fake_sms.accepted[1]["template"] == "SMS_100002"
    assert answered["link"].endswith(f"/public/request/{code}")
    # Nothing in an SMS names the household, the contact or what they asked for.
    for sent in fake_sms.accepted:
        assert "李阿姨" not in sent["params"] and "楼道灯" not in sent["params"] and "灯已换好" not in sent["params"]
    assert fake_sms.rejected == []  # every request was signed correctly


def test_notif_no_consent_no_sms(demo: Session, fake_sms: FakeAliyunSms) -> None:
    request_id = public_request(consent=False)
    with session_scope() as s:
        change_status(s, account(s, "coord"), request_id, RequestStatus.in_progress)
    assert outbox(demo) == []
    send_all(daytime())
    assert fake_sms.accepted == []


def test_notif_member_form_consent_uses_household_phone(demo: Session) -> None:
    member = account(demo, "member1")
    household = next(row.household for row in list_households(demo, member) if row.household.phone)
    with session_scope() as s:
        request = raise_request(s, account(s, "member1"), RequestInput(category_id=1, description="门锁坏了",
                                                                         household_id=household.id, sms_consent=True))
    demo.rollback()
    consent = demo.get(RequestSmsConsent, request.id)
    assert consent is not None and consent.phone == household.phone


def test_notif_overdue_apology_once_per_missed_date(demo: Session, fake_sms: FakeAliyunSms) -> None:
    request_id = public_request()
    now = daytime()
    with session_scope() as s:
        request = s.get(ServiceRequest, request_id)
        request.due_at = now - timedelta(hours=1)
        s.add(request)
    for _ in range(3):  # the scan runs every few minutes
        with session_scope() as s:
            queue_overdue_apologies(s, now)
    rows = outbox(demo, "request.overdue")
    assert len(rows) == 1
    send_all(now)
    sent = template_params(fake_sms.accepted[0])
    assert fake_sms.accepted[0]["template"] == "SMS_100003" and sent["due_date"] > now.isoformat()[:10]


def test_notif_opt_out_stops_everything_to_that_number_and_is_audited(demo: Session, fake_sms: FakeAliyunSms) -> None:
    first, second = public_request(), public_request()
    coord = account(demo, "coord")
    with session_scope() as s:
        change_status(s, coord, first, RequestStatus.in_progress)
    token = template_params_from_outbox(demo)["optout"].rsplit("/", 1)[1]
    with session_scope() as s:
        opt_out(s, token)
        opt_out(s, token)  # a second tap changes nothing
    with session_scope() as s:
        change_status(s, coord, second, RequestStatus.in_progress)
    send_all(daytime())
    assert fake_sms.accepted == []  # the queued one is dropped at sending, the later one never queued
    assert [r.status for r in outbox(demo)] == [OutboxStatus.skipped]
    assert outbox(demo)[0].last_error == "opted out"
    audits = demo.exec(select(AuditEntry).where(AuditEntry.action == "notify.opt_out")).all()
    assert len(audits) == 1


def template_params_from_outbox(session: Session) -> dict:
    import json

    return json.loads(outbox(session)[0].params)
