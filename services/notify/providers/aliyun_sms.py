"""Alibaba Cloud SMS (dysmsapi 2017-05-25) through its official SDK.

Chinese SMS go out only with an approved signature (sign name) and template: the template code
per message kind is a setting, and the template's variables are the message's parameters. Each
message carries ``OutId`` (derived from the idempotency key): after a crash, QuerySendDetails for
the number and day tells whether the message was already accepted.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from Tea.exceptions import TeaException, UnretryableException

from core.config import get_settings
from models import Channel
from models.common import utcnow
from services.notify.providers import Delivery, PermanentFailure, TemporaryFailure

# Answers that a later try can fix (flow control, the service busy); everything else is final.
RETRYABLE_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isv.DAY_LIMIT_CONTROL", "Throttling",
                   "ServiceUnavailable", "InternalError"}


def _template_params(delivery: Delivery) -> dict[str, str]:
    """Only the values a template may show: never a household, a name or a need."""
    allowed = ("code", "due_date", "link", "title", "starts_at", "address", "optout")
    return {k: str(delivery.params[k]) for k in allowed if delivery.params.get(k)}


class AliyunSms:
    channel = Channel.sms
    name = "aliyun"

    def __init__(self) -> None:
        settings = get_settings()
        endpoint = settings.aliyun_sms_endpoint
        protocol = "http" if endpoint.startswith("http://") else "https"
        config = openapi_models.Config(access_key_id=settings.aliyun_access_key_id,
                                       access_key_secret=settings.aliyun_access_key_secret,
                                       endpoint=endpoint.split("://", 1)[-1], protocol=protocol,
                                       read_timeout=10000, connect_timeout=5000)
        self.client = Client(config)
        self.sign_name = settings.aliyun_sms_sign_name
        self.templates = settings.aliyun_sms_templates

    def send(self, delivery: Delivery) -> str:
        template = self.templates.get(delivery.kind)
        if not template:
            raise PermanentFailure(f"no template code for {delivery.kind}")
        request = sms_models.SendSmsRequest(
            phone_numbers=delivery.recipient, sign_name=self.sign_name, template_code=template,
            template_param=json.dumps(_template_params(delivery), ensure_ascii=False), out_id=delivery.external_id)
        try:
            body = self.client.send_sms(request).body
        except UnretryableException as exc:  # network: the request may or may not have arrived
            raise TemporaryFailure(str(exc)[:300]) from exc
        except TeaException as exc:  # an HTTP error answer (5xx, 4xx with a code)
            status = int((exc.data or {}).get("httpCode") or (exc.data or {}).get("statusCode") or 0) \
                if isinstance(exc.data, dict) else 0
            if exc.code in RETRYABLE_CODES or status >= 500 or status == 0:
                raise TemporaryFailure(f"{exc.code}: {exc.message}"[:300]) from exc
            raise PermanentFailure(f"{exc.code}: {exc.message}"[:300]) from exc
        if body.code == "OK":
            return body.biz_id or body.request_id or ""
        if body.code in RETRYABLE_CODES:
            raise TemporaryFailure(f"{body.code}: {body.message}")
        raise PermanentFailure(f"{body.code}: {body.message}")

    def find_sent(self, delivery: Delivery) -> str | None:
        tz = ZoneInfo("Asia/Shanghai")  # the service keeps its records by Beijing date
        days = {(delivery.created_at or utcnow()).astimezone(tz).strftime("%Y%m%d"),
                datetime.now(tz).strftime("%Y%m%d")}
        for day in sorted(days):
            request = sms_models.QuerySendDetailsRequest(phone_number=delivery.recipient, send_date=day,
                                                         page_size=50, current_page=1)
            try:
                body = self.client.query_send_details(request).body
            except (TeaException, UnretryableException) as exc:
                raise TemporaryFailure(f"QuerySendDetails: {exc}"[:300]) from exc
            for detail in (body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else []):
                if detail.out_id == delivery.external_id:
                    return f"out-{delivery.external_id}"
        return None
