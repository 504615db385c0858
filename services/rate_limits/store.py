"""Where the rate limits' counts live: this process's memory, or Redis shared by every instance.

With several instances behind a load balancer, counts kept in each process would let a client
make N times the limit (one allowance per instance). When Redis is configured
(``DOORSTEP_RATE_LIMIT_REDIS_URL``, else NiceGUI's ``NICEGUI_REDIS_URL``) the counts are kept
there: one counter per limiter, key and window, created by INCR and expiring with its window.

If Redis cannot be reached the limits still hold, counted in this process, and Redis is tried
again after a pause: an outage neither locks everyone out nor lets a flood through unchecked.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Protocol

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE_SECONDS = 30.0


class CounterStore(Protocol):
    def add(self, name: str, key: str, window: int, ttl_seconds: int) -> int:
        """Count one hit for (name, key) in this window; return the window's hits including it."""

    def count(self, name: str, key: str, window: int) -> int:
        """Hits so far for (name, key) in this window."""

    def clear(self) -> None: ...


class MemoryCounters:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], tuple[int, int]] = {}  # (name, key) -> (window, hits)
        self._lock = threading.Lock()

    def add(self, name: str, key: str, window: int, ttl_seconds: int) -> int:
        with self._lock:
            seen, hits = self._counts.get((name, key), (window, 0))
            hits = hits + 1 if seen == window else 1
            self._counts[(name, key)] = (window, hits)
            if len(self._counts) > 10_000:  # forget finished windows so memory stays bounded
                self._counts = {k: v for k, v in self._counts.items() if v[0] >= window}
            return hits

    def count(self, name: str, key: str, window: int) -> int:
        with self._lock:
            seen, hits = self._counts.get((name, key), (window, 0))
            return hits if seen == window else 0

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class RedisCounters:
    """Shared counts in Redis; falls back to this process's memory while Redis is unreachable."""

    def __init__(self, url: str, prefix: str = "doorstep:rate") -> None:
        import redis  # installed with nicegui[redis]

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._errors = (redis.RedisError, OSError)
        self._prefix = prefix
        self._fallback = MemoryCounters()
        self._down_until = 0.0

    def _key(self, name: str, key: str, window: int) -> str:
        return f"{self._prefix}:{name}:{window}:{key}"

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        if self._available():
            log.warning("rate limits: Redis unreachable (%s); counting in this process for %.0f s",
                        exc, RETRY_AFTER_FAILURE_SECONDS)
        self._down_until = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS

    def add(self, name: str, key: str, window: int, ttl_seconds: int) -> int:
        if self._available():
            try:
                pipe = self._redis.pipeline()
                pipe.incr(self._key(name, key, window))
                pipe.expire(self._key(name, key, window), ttl_seconds + 1)
                hits, _ = pipe.execute()
                return int(hits)
            except self._errors as exc:
                self._failed(exc)
        return self._fallback.add(name, key, window, ttl_seconds)

    def count(self, name: str, key: str, window: int) -> int:
        if self._available():
            try:
                return int(self._redis.get(self._key(name, key, window)) or 0)
            except self._errors as exc:
                self._failed(exc)
        return self._fallback.count(name, key, window)

    def clear(self) -> None:
        self._fallback.clear()
        try:
            for found in self._redis.scan_iter(f"{self._prefix}:*", count=500):
                self._redis.delete(found)
        except self._errors as exc:
            self._failed(exc)


def redis_url() -> str | None:
    from core.config import get_settings

    return get_settings().rate_limit_redis_url or os.environ.get("NICEGUI_REDIS_URL") or None


def make_store() -> CounterStore:
    url = redis_url()
    if not url:
        return MemoryCounters()
    # Under NiceGUI's key prefix, so that deployments (or test runs) sharing one Redis stay apart.
    return RedisCounters(url, prefix=os.environ.get("NICEGUI_REDIS_KEY_PREFIX", "") + "doorstep:rate")
