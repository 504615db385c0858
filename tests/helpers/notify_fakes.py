"""Local stand-ins for the outside services: Alibaba Cloud SMS, a WeCom group bot webhook.

They speak HTTP as the real services do, so the real SDK and Apprise talk to them unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit
from zoneinfo import ZoneInfo

ACCESS_KEY_ID = "LTAI-test-key"
ACCESS_KEY_SECRET = "test-secret-for-the-fake"
AUTH_RE = re.compile(r"^ACS3-HMAC-SHA256 Credential=(?P<key>[^,]+),SignedHeaders=(?P<headers>[a-z0-9;-]+),"
                     r"Signature=(?P<sig>[0-9a-f]{64})$")


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")


def acs3_signature(method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str],
                   signed: list[str], payload_hash: str, secret: str) -> str:
    """Alibaba Cloud's V3 signature (ACS3-HMAC-SHA256), computed the way the service checks it."""
    canonical_query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(query))
    canonical_headers = "".join(f"{h}:{headers[h].strip()}\n" for h in signed)
    canonical = "\n".join([method, path, canonical_query, canonical_headers, ";".join(signed), payload_hash])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


@dataclass
class _Server:
    server: ThreadingHTTPServer
    thread: threading.Thread

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _serve_json(answer: Callable[[BaseHTTPRequestHandler], tuple[int, dict]]) -> _Server:
    """An HTTP server on a free local port that answers each POST with ``answer(request)`` as JSON."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            status, body = answer(self)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return _Server(server, thread)


@dataclass
class FakeAliyunSms:
    """Accepts SendSms and answers QuerySendDetails like dysmsapi; ``fail_next`` answers 5xx."""

    accepted: list[dict[str, str]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # why requests were refused (bad signature ...)
    fail_next: int = 0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _Server | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server.server_port}"

    def start(self) -> FakeAliyunSms:
        self._server = _serve_json(self.handle)
        return self

    def close(self) -> None:
        if self._server:
            self._server.close()

    def handle(self, req: BaseHTTPRequestHandler) -> tuple[int, dict]:
        length = int(req.headers.get("Content-Length") or 0)
        payload = req.rfile.read(length) if length else b""
        url = urlsplit(req.path)
        query = parse_qsl(url.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in req.headers.items()}
        problem = self._check_signature(req.command, url.path or "/", query, headers, payload)
        with self.lock:
            self.calls += 1
            if problem:
                self.rejected.append(problem)
                return 400, {"Code": "IncompleteSignature", "Message": problem, "RequestId": "fake"}
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, {"Code": "ServiceUnavailable", "Message": "The request has failed due to a "
                             "temporary failure of the server.", "RequestId": f"fake-{self.calls}"}
            params = dict(query)
            action = headers.get("x-acs-action")
            if action == "SendSms":
                return 200, self._send(params)
            if action == "QuerySendDetails":
                return 200, self._query(params)
            return 404, {"Code": "InvalidAction.NotFound", "Message": action, "RequestId": "fake"}

    def _check_signature(self, method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str],
                         payload: bytes) -> str:
        match = AUTH_RE.match(headers.get("authorization", ""))
        if not match:
            return "Authorization header is not ACS3-HMAC-SHA256"
        if match["key"] != ACCESS_KEY_ID:
            return "InvalidAccessKeyId"
        for needed in ("x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce",
                       "x-acs-content-sha256"):
            if needed not in headers:
                return f"missing {needed}"
        if headers["x-acs-version"] != "2017-05-25":
            return "wrong API version"
        if hashlib.sha256(payload).hexdigest() != headers["x-acs-content-sha256"]:
            return "x-acs-content-sha256 does not match the body"
        signed = match["headers"].split(";")
        expected = acs3_signature(method, path, query, headers, signed, headers["x-acs-content-sha256"],
                                  ACCESS_KEY_SECRET)
        return "" if hmac.compare_digest(expected, match["sig"]) else "SignatureDoesNotMatch"

    def _send(self, params: dict[str, str]) -> dict:
        phone = params.get("PhoneNumbers", "")
        if not re.fullmatch(r"1\d{10}", phone):
            return {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "invalid mobile number", "RequestId": "fake"}
        if not params.get("SignName") or not params.get("TemplateCode"):
            return {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "sign name or template missing",
                    "RequestId": "fake"}
        biz_id = f"{len(self.accepted) + 1:06d}^0"
        self.accepted.append({"phone": phone, "template": params["TemplateCode"], "out_id": params.get("OutId", ""),
                              "params": params.get("TemplateParam", "{}"), "sign": params["SignName"],
                              "date": datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d"), "biz_id": biz_id})
        return {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": f"fake-{self.calls}"}

    def _query(self, params: dict[str, str]) -> dict:
        rows = [a for a in self.accepted if a["phone"] == params.get("PhoneNumber")
                and a["date"] == params.get("SendDate")]
        details = [{"PhoneNum": a["phone"], "OutId": a["out_id"], "TemplateCode": a["template"], "SendStatus": 3,
                    "ErrCode": "DELIVERED", "Content": "", "SendDate": a["date"], "ReceiveDate": a["date"]}
                   for a in rows]
        return {"Code": "OK", "Message": "OK", "RequestId": f"fake-{self.calls}", "TotalCount": len(details),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}}


@dataclass
class FakeWeComBot:
    """Plays https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY and records what is posted."""

    posts: list[dict] = field(default_factory=list)
    _server: _Server | None = None

    @property
    def url_template(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server.server_port}/cgi-bin/webhook/send?key={{key}}"

    def start(self) -> FakeWeComBot:
        self._server = _serve_json(self.handle)
        return self

    def handle(self, req: BaseHTTPRequestHandler) -> tuple[int, dict]:
        body = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        key = dict(parse_qsl(urlsplit(req.path).query)).get("key", "")
        self.posts.append({"key": key, **json.loads(body or b"{}")})
        return 200, {"errcode": 0, "errmsg": "ok"}

    def close(self) -> None:
        if self._server:
            self._server.close()
