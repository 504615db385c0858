"""Real stand-ins for the outside services, started per test: Alibaba SMS, an SMTP server, a WeCom bot."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from core import config
from tests.helpers.notify_fakes import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FakeAliyunSms, FakeWeComBot

TEMPLATES = ('{"request.accepted": "SMS_100001", "request.answered": "SMS_100002", "request.overdue": "SMS_100003",'
             ' "signup.confirmed": "SMS_100004", "signup.waitlisted": "SMS_100005", "signup.promoted": "SMS_100006",'
             ' "event.reminder_24h": "SMS_100007", "event.reminder_2h": "SMS_100008",'
             ' "event.cancelled": "SMS_100009", "event.moved": "SMS_100010", "alert.not_satisfied": "SMS_100011"}')


@pytest.fixture
def fake_sms(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAliyunSms]:
    fake = FakeAliyunSms().start()
    for name, value in {"SMS_PROVIDER": "aliyun", "ALIYUN_SMS_ENDPOINT": fake.endpoint,
                        "ALIYUN_ACCESS_KEY_ID": ACCESS_KEY_ID, "ALIYUN_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
                        "ALIYUN_SMS_SIGN_NAME": "幸福社区", "ALIYUN_SMS_TEMPLATES": TEMPLATES}.items():
        monkeypatch.setenv(f"DOORSTEP_{name}", value)
    config.get_settings.cache_clear()
    yield fake
    fake.close()


@dataclass
class Mailbox:
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its server by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port), "SMTP_TLS": "none",
                        "SMTP_FROM": "doorstep@example.org"}.items():
        monkeypatch.setenv(f"DOORSTEP_{name}", value)
    config.get_settings.cache_clear()
    yield mailbox
    controller.stop()


@pytest.fixture
def wecom_bot(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWeComBot]:
    from apprise.plugins.wecombot import NotifyWeComBot

    fake = FakeWeComBot().start()
    monkeypatch.setattr(NotifyWeComBot, "notify_url", fake.url_template)  # the library's fixed host, not ours
    monkeypatch.setenv("DOORSTEP_NOTIFY_BOT_URLS", "wecombot://ORGBOTKEY")
    config.get_settings.cache_clear()
    yield fake
    fake.close()
