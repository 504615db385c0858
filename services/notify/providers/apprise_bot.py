"""Group bots (WeCom 企业微信, DingTalk, Feishu and any other Apprise target) through Apprise.

Outbox rows name the bot, not its URL ("org" or "area:<id>"): the URL, which holds the bot's key,
is looked up when sending. Bots get counts and links only.
"""

from __future__ import annotations

import re

import apprise
from sqlmodel import Session

from core.db import session_scope
from models import AreaBot, Channel
from services.notify.providers import Delivery, PermanentFailure, TemporaryFailure


def org_bot_urls() -> list[str]:
    from core.config import get_settings

    return [u for u in re.split(r"[\s,]+", get_settings().notify_bot_urls) if u]


def bot_urls(session: Session, recipient: str) -> list[str]:
    if recipient.startswith("area:"):
        bot = session.get(AreaBot, int(recipient.split(":", 1)[1]))
        return [bot.apprise_url] if bot else []
    return org_bot_urls()


class AppriseBot:
    channel = Channel.bot
    name = "apprise"

    def send(self, delivery: Delivery) -> str:
        with session_scope(read_only=True) as session:
            urls = bot_urls(session, delivery.recipient)
        if not urls:
            raise PermanentFailure("no bot is set up for " + delivery.recipient)
        bots = apprise.Apprise()
        for url in urls:
            if not bots.add(url):
                raise PermanentFailure("not an Apprise URL the installed Apprise understands")
        if not bots.notify(body=delivery.text, title=delivery.subject or ""):
            raise TemporaryFailure("the bot did not accept the message")
        return ""

    def find_sent(self, delivery: Delivery) -> str | None:
        return None
