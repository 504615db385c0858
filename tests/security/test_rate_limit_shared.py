"""Several instances behind a load balancer share their rate-limit counts through Redis.

An attacker spreading password guesses over two instances still gets the limit once, not once per
instance; and when Redis goes away the limits keep holding, counted in each process.
"""

from __future__ import annotations

import uuid

import pytest
import redis

from core import config
from services.errors import Throttled
from services.rate_limits import counting as rate_limit
from services.rate_limits.store import MemoryCounters, RedisCounters

REDIS_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("needs the local Redis server on 127.0.0.1:6379")


def _two_instances(store_a: object, store_b: object, limit: int = 5) -> tuple[rate_limit.FixedWindowLimiter, ...]:
    # The same limiter as each instance of the app has it: same name, its own store object.
    fixed_clock = lambda: 1_000_000.0  # noqa: E731 - one window for the whole test
    return tuple(rate_limit.FixedWindowLimiter(limit=limit, window_seconds=600, clock=fixed_clock,
                                               name="sign-in", store=store)  # type: ignore[arg-type]
                 for store in (store_a, store_b))


def test_two_instances_with_redis_share_one_allowance() -> None:
    _redis_or_skip()
    prefix = f"doorstep-test:{uuid.uuid4().hex}"  # this test's own keys, whatever else uses the server
    first, second = _two_instances(RedisCounters(REDIS_URL, prefix=prefix), RedisCounters(REDIS_URL, prefix=prefix))
    for _ in range(3):
        first.hit("203.0.113.9")
    for _ in range(2):
        second.hit("203.0.113.9")
    with pytest.raises(Throttled):
        first.hit("203.0.113.9")  # 6th try overall, whichever instance it reaches
    with pytest.raises(Throttled):
        second.check("203.0.113.9")
    second.hit("203.0.113.10")  # another address is unaffected
    counter = redis.Redis.from_url(REDIS_URL)
    assert 0 < counter.ttl(f"{prefix}:sign-in:{1_000_000 // 600}:203.0.113.9") <= 601  # expires with its window
    for key in counter.scan_iter(f"{prefix}:*"):
        counter.delete(key)


def test_without_a_shared_store_each_instance_counts_alone() -> None:
    # What the shared store fixes: in memory, each process grants the whole allowance.
    first, second = _two_instances(MemoryCounters(), MemoryCounters())
    for _ in range(5):
        first.hit("203.0.113.9")
        second.hit("203.0.113.9")
    with pytest.raises(Throttled):
        first.hit("203.0.113.9")


def test_limits_hold_in_process_while_redis_is_unreachable(caplog: pytest.LogCaptureFixture) -> None:
    limiter, = _two_instances(RedisCounters(CLOSED_PORT_URL), MemoryCounters())[:1]
    for _ in range(5):
        limiter.hit("203.0.113.9")  # no error reaches the caller
    with pytest.raises(Throttled):
        limiter.hit("203.0.113.9")
    assert "Redis unreachable" in caplog.text


def test_the_app_counts_in_redis_when_nicegui_uses_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NICEGUI_REDIS_URL", CLOSED_PORT_URL)
    config.get_settings.cache_clear()
    rate_limit.reset_all()
    assert isinstance(rate_limit.counter_store(), RedisCounters)
    monkeypatch.delenv("NICEGUI_REDIS_URL")
    config.get_settings.cache_clear()
    rate_limit.reset_all()
    assert isinstance(rate_limit.counter_store(), MemoryCounters)
