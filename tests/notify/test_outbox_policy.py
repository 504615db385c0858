"""The outbox's rules: quiet hours, the daily cap, retries after a 5xx, a crash between send and mark."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from core.db import session_scope
from models import Channel, OutboxStatus
from services.notify import outbox as outbox_rows
from services.notify.policy import next_retry
from services.notify.providers.choice import provider_for
from services.notify.retention import anonymise_outbox
from services.notify.sender import _delivery
from services.notify.templates import render, sms_length
from tests.helpers.notify import daytime, local_time, outbox, send_all
from tests.helpers.notify_fakes import FakeAliyunSms


def queue_sms(n: int = 1, phone: str = "13912345678", kind: str = "signup.confirmed", prefix: str = "t") -> None:
    with session_scope() as s:
        for i in range(n):
            outbox_rows.enqueue(s, f"{prefix}:{i}", Channel.sms, kind, phone, {"title": "义诊", "starts_at": ""})


def test_notif_quiet_hours_hold_sms_until_morning(demo: Session, fake_sms: FakeAliyunSms) -> None:
    queue_sms()
    night = local_time(22)
    send_all(night)
    assert fake_sms.accepted == []
    row = outbox(demo)[0]
    morning = night + timedelta(hours=10)
    assert row.status == OutboxStatus.pending and row.next_attempt_at == morning and row.attempts == 0
    send_all(morning - timedelta(minutes=1))
    assert fake_sms.accepted == []
    send_all(morning)
    assert len(fake_sms.accepted) == 1 and outbox(demo)[0].status == OutboxStatus.sent


def test_notif_daily_cap_five_per_number_per_day(demo: Session, fake_sms: FakeAliyunSms) -> None:
    queue_sms(7)
    queue_sms(1, phone="13912345679", prefix="other")
    now = daytime()
    send_all(now)
    assert len([a for a in fake_sms.accepted if a["phone"] == "13912345678"]) == 5
    assert len([a for a in fake_sms.accepted if a["phone"] == "13912345679"]) == 1
    skipped = [r for r in outbox(demo) if r.status == OutboxStatus.skipped]
    assert len(skipped) == 2 and {r.last_error for r in skipped} == {"daily cap reached"}
    queue_sms(1, prefix="tomorrow")
    send_all(now + timedelta(days=1))
    assert len([a for a in fake_sms.accepted if a["phone"] == "13912345678"]) == 6


def test_notif_retry_after_5xx_with_backoff_then_sent_once(demo: Session, fake_sms: FakeAliyunSms) -> None:
    queue_sms()
    fake_sms.fail_next = 2
    now = daytime()
    send_all(now)
    row = outbox(demo)[0]
    assert row.status == OutboxStatus.pending and "503" in row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=1)
    send_all(now + timedelta(minutes=1))
    row = outbox(demo)[0]
    assert row.status == OutboxStatus.pending and row.next_attempt_at == now + timedelta(minutes=3)
    send_all(now + timedelta(minutes=3))
    row = outbox(demo)[0]
    assert row.status == OutboxStatus.sent and row.attempts == 3 and row.provider_ref
    assert len(fake_sms.accepted) == 1


def test_notif_backoff_gives_up_after_24_hours() -> None:
    now = daytime()
    waits, attempts = [], 1
    while (at := next_retry(attempts, now)) is not None:
        waits.append(at - now)
        attempts += 1
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert max(waits) == timedelta(hours=4)
    assert timedelta(hours=20) < sum(waits, timedelta()) <= timedelta(hours=24)


def test_notif_wrong_signature_is_refused_by_the_fake(demo: Session, fake_sms: FakeAliyunSms, monkeypatch) -> None:
    from core import config

    monkeypatch.setenv("DOORSTEP_ALIYUN_ACCESS_KEY_SECRET", "not-the-secret")
    config.get_settings.cache_clear()
    queue_sms()
    send_all(daytime())
    assert fake_sms.accepted == [] and fake_sms.rejected == ["SignatureDoesNotMatch"]
    assert outbox(demo)[0].status == OutboxStatus.failed


def test_outbox_crash_between_send_and_mark_is_not_sent_twice(demo: Session, fake_sms: FakeAliyunSms) -> None:
    queue_sms()
    now = daytime()
    with session_scope() as s:
        [claimed] = outbox_rows.claim_batch(s, "instance-a", now)
    provider_for(Channel.sms).send(_delivery(claimed))  # instance A hands it over ... and stops here
    assert len(fake_sms.accepted) == 1
    send_all(now + timedelta(minutes=1))  # the lease still holds: nobody touches it
    assert outbox(demo)[0].status == OutboxStatus.sending
    send_all(now + timedelta(minutes=6))  # lease over: taken over, the provider says it has it
    row = outbox(demo)[0]
    assert row.status == OutboxStatus.sent and row.provider_ref.startswith("out-") and row.attempts == 2
    assert len(fake_sms.accepted) == 1
    with session_scope() as s:  # instance A comes back: its claim is gone, it cannot overwrite
        assert not outbox_rows.mark(s, row.id, "instance-a", OutboxStatus.failed, now=now)
    assert outbox(demo)[0].status == OutboxStatus.sent


def test_outbox_idempotency_key_queues_once(demo: Session) -> None:
    queue_sms()
    queue_sms()
    assert len(outbox(demo)) == 1


def test_outbox_rows_anonymised_after_90_days(demo: Session) -> None:
    queue_sms()
    now = daytime()
    send_all(now)
    with session_scope() as s:
        from core.config import get_settings

        assert anonymise_outbox(s, now + timedelta(days=89), get_settings()) == 0
        assert anonymise_outbox(s, now + timedelta(days=91), get_settings()) == 1
    row = outbox(demo)[0]
    assert (row.recipient, row.params, row.anonymised, row.kind) == ("", "{}", True, "signup.confirmed")


def test_notif_sms_length_counter_chinese_70_per_sms() -> None:
    assert sms_length("好" * 70).segments == 1
    assert sms_length("好" * 71).segments == 2
    assert sms_length("好" * 134).segments == 2 and sms_length("好" * 135).segments == 3
    assert sms_length("好" * 66, sign_name="幸福社区").characters == 72  # 【幸福社区】 counts too
    assert sms_length("a" * 160).segments == 1 and sms_length("a" * 161).segments == 2
    text = render("request.accepted", {"code": "ABCD234567", "due_date": "2026-12-24T02:00:00+00:00",
                                       "optout": "https://x.cn/o/abcdefghjk"}, "zh_CN")
    assert sms_length(text, "幸福社区").segments <= 2



def test_notif_every_message_text_has_chinese() -> None:
    from core.i18n import catalogue
    from services.notify.admin import CHANNEL_LABELS, STATUS_LABELS
    from services.notify.templates import EMAIL_SUBJECT, OPT_OUT_SUFFIX, TEXTS

    zh = catalogue("zh_CN")
    texts = [*TEXTS.values(), OPT_OUT_SUFFIX, EMAIL_SUBJECT, *STATUS_LABELS.values(), *CHANNEL_LABELS.values()]
    assert [t for t in texts if not zh.get(t)] == []
