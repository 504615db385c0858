"""E-mail over SMTP (host, port, user, TLS from settings), with the standard library's smtplib.

The Message-ID is derived from the idempotency key, so a message handed over twice after a crash
carries the same id (mail clients and some servers drop the second); SMTP cannot be asked later
whether a message was accepted.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from core.config import get_settings
from models import Channel
from services.notify.providers import Delivery, PermanentFailure, TemporaryFailure


class SmtpEmail:
    channel = Channel.email
    name = "smtp"

    def send(self, delivery: Delivery) -> str:
        settings = get_settings()
        domain = (settings.smtp_from.rpartition("@")[2] or "doorstep.local").strip(">")
        message_id = f"<{delivery.external_id}@{domain}>"
        mail = EmailMessage()
        mail["From"] = settings.smtp_from or settings.smtp_user
        mail["To"] = delivery.recipient
        mail["Subject"] = delivery.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = message_id
        mail.set_content(delivery.text)
        try:
            if settings.smtp_tls == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=20,
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20)
            with client:
                if settings.smtp_tls == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if settings.smtp_user:
                    client.login(settings.smtp_user, settings.smtp_password)
                client.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"recipient refused: {exc.recipients}"[:300]) from exc
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise TemporaryFailure(f"{exc.smtp_code} {exc.smtp_error!r}"[:300]) from exc
            raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}"[:300]) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(str(exc)[:300]) from exc
        return message_id

    def find_sent(self, delivery: Delivery) -> str | None:
        return None
