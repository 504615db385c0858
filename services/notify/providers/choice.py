"""Which provider sends each channel, from settings.

The providers' client libraries load only when a provider is chosen (a deployment without SMS
or bots never imports them); this module sits above the providers, which import only the
package's shared types.
"""

from __future__ import annotations

from core.config import get_settings
from models import Channel
from services.notify.providers import Provider


def sms_provider() -> Provider:
    name = get_settings().sms_provider
    if name == "aliyun":
        from services.notify.providers.aliyun_sms import AliyunSms

        return AliyunSms()
    from services.notify.providers.log import LogSms

    return LogSms()


def provider_for(channel: Channel) -> Provider | None:
    """The configured provider of a channel, or None when the channel is not set up."""
    if channel == Channel.sms:
        return sms_provider()
    if channel == Channel.email:
        if not get_settings().smtp_host:
            return None
        from services.notify.providers.smtp_email import SmtpEmail

        return SmtpEmail()
    from services.notify.providers.apprise_bot import AppriseBot

    return AppriseBot()
