"""Behind a reverse proxy: whose address the per-address abuse limits count.

The real server (uvicorn, as `python app.py` runs it) believes X-Forwarded-For only from the
proxies in DOORSTEP_FORWARDED_ALLOW_IPS. Observable through the public pages' limit (60 page
loads per address per minute, then 429): a trusted proxy's clients each get their own allowance;
anyone else cannot dodge the limit by sending a different X-Forwarded-For every time.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from services.rate_limits.counting import PUBLIC_PAGES
from tests.e2e.live_app import running_app

PAGE = "/public/request"


def _wait_for_fresh_window() -> None:
    # A fixed window: a burst straddling its end would start counting again half-way.
    if time.time() % PUBLIC_PAGES.window_seconds > PUBLIC_PAGES.window_seconds - 20:
        time.sleep(PUBLIC_PAGES.window_seconds - time.time() % PUBLIC_PAGES.window_seconds + 0.5)


def _burst(client: httpx.Client, forwarded_for: list[str]) -> list[int]:
    return [client.get(PAGE, headers={"X-Forwarded-For": address}).status_code for address in forwarded_for]


def test_trusted_proxy_clients_have_their_own_limits_and_others_cannot_spoof(tmp_path: Path) -> None:
    limit = PUBLIC_PAGES.limit
    with running_app(tmp_path / "data", DOORSTEP_FORWARDED_ALLOW_IPS="127.0.0.1") as base:
        proxy = httpx.Client(base_url=base, transport=httpx.HTTPTransport(local_address="127.0.0.1"))
        stranger = httpx.Client(base_url=base, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        _wait_for_fresh_window()
        # Through the trusted proxy: one phone uses up its allowance ...
        statuses = _burst(proxy, ["10.1.1.1"] * (limit + 1))
        assert statuses[:limit] == [200] * limit
        assert statuses[limit] == 429
        # ... and the next phone behind the same proxy is not affected.
        assert _burst(proxy, ["10.1.1.2"]) == [200]

        # Not a trusted proxy: X-Forwarded-For is ignored, so a new made-up address per request
        # still counts against the real one.
        statuses = _burst(stranger, [f"10.2.0.{n}" for n in range(limit + 1)])
        assert statuses[:limit] == [200] * limit
        assert statuses[limit] == 429
        proxy.close()
        stranger.close()
