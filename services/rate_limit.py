"""Fixed-window rate limits: the public request form and status page, sign-in, the JSON API, exports.

Counts live in this process's memory: right for Doorstep's one-process deployment (NiceGUI runs
a single worker). Several instances behind a load balancer would each count separately, so a
client could get N times the limit; move the counter to Redis or the database then. Behind a
reverse proxy the client address is the proxy's unless uvicorn is told to trust
X-Forwarded-For (``forwarded_allow_ips``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.config import get_settings
from core.i18n import N_
from services.errors import Throttled


@dataclass
class FixedWindowLimiter:
    """At most ``limit`` hits per key in each window of ``window_seconds``.

    ``limit`` may be a function (a setting): it is then read at every check, so a changed
    setting applies without rebuilding the limiter.
    """

    limit: int | Callable[[], int]
    window_seconds: int
    clock: Callable[[], float] = time.time  # tests pin it so a burst cannot straddle two windows
    message: str = N_("Too many submissions from this connection. Try again in {minutes} minutes.")
    _windows: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (window number, hits)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def current_limit(self) -> int:
        return self.limit() if callable(self.limit) else self.limit

    def _window(self, now: float) -> int:
        return int(now // self.window_seconds)

    def check(self, key: str, now: float | None = None) -> None:
        """Raise Throttled if the key has used up this window; does not count a hit."""
        now = self.clock() if now is None else now
        with self._lock:
            window, hits = self._windows.get(key, (-1, 0))
            if window == self._window(now) and hits >= self.current_limit():
                raise Throttled(self.message, minutes=self.minutes_left(now))

    def hit(self, key: str, now: float | None = None) -> None:
        """Count one hit, raising Throttled (without counting) if the window is used up."""
        now = self.clock() if now is None else now
        with self._lock:
            current = self._window(now)
            window, hits = self._windows.get(key, (current, 0))
            if window != current:
                hits = 0
            if hits >= self.current_limit():
                raise Throttled(self.message, minutes=self.minutes_left(now))
            self._windows[key] = (current, hits + 1)
            if len(self._windows) > 10_000:  # forget finished windows so memory stays bounded
                self._windows = {k: v for k, v in self._windows.items() if v[0] == current}

    def minutes_left(self, now: float) -> int:
        return max(1, math.ceil(self.seconds_left(now) / 60))

    def seconds_left(self, now: float | None = None) -> int:
        """For a Retry-After header: seconds until the current window ends."""
        now = self.clock() if now is None else now
        return max(1, math.ceil((self._window(now) + 1) * self.window_seconds - now))

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()


def _sign_in_attempts_per_address() -> int:
    return get_settings().sign_in_attempts_per_address


# Public request form: submissions per client address per hour, and failed tries (wrong answer to
# the challenge, invalid input) so the challenge cannot be brute-forced.
PUBLIC_SUBMISSIONS = FixedWindowLimiter(limit=5, window_seconds=3600)
PUBLIC_ATTEMPTS = FixedWindowLimiter(limit=30, window_seconds=3600)
# Status-page look-ups of unknown codes and ratings, per client address per hour.
PUBLIC_LOOKUPS = FixedWindowLimiter(limit=30, window_seconds=3600)
# Page loads of the public pages (/public/...) per client address per minute: a burst gets 429.
PUBLIC_PAGES = FixedWindowLimiter(limit=60, window_seconds=60, message=N_(
    "Too many requests from this connection. Try again in {minutes} minutes."))
# Sign-in tries per client address per 10 minutes (DOORSTEP_SIGN_IN_ATTEMPTS_PER_ADDRESS, 30 by
# default), on top of the per-account throttle in services.auth: one address guessing passwords
# for many accounts is slowed too.
SIGN_IN_ATTEMPTS = FixedWindowLimiter(limit=_sign_in_attempts_per_address, window_seconds=600, message=N_(
    "Too many sign-in attempts from this connection. Try again in {minutes} minutes."))
# JSON API calls per token (or per client address without one) per minute.
API_CALLS = FixedWindowLimiter(limit=120, window_seconds=60, message=N_(
    "Too many requests from this connection. Try again in {minutes} minutes."))
# Exports per user per minute: each one reads the whole area.
EXPORTS = FixedWindowLimiter(limit=10, window_seconds=60, message=N_(
    "Too many exports in a short time. Try again in {minutes} minutes."))

ALL = (PUBLIC_SUBMISSIONS, PUBLIC_ATTEMPTS, PUBLIC_LOOKUPS, PUBLIC_PAGES, SIGN_IN_ATTEMPTS, API_CALLS, EXPORTS)


def reset_all() -> None:
    """Tests start each case with empty counters."""
    for limiter in ALL:
        limiter.reset()
