"""Fixed-window rate limits: the public request form and status page, sign-in, the JSON API, exports.

Counts live in this process's memory, or in Redis when one is configured
(``DOORSTEP_RATE_LIMIT_REDIS_URL``, else ``NICEGUI_REDIS_URL``) so that several instances behind a
load balancer share them: a client gets the limit once, not once per instance
(``services/rate_limits/store.py``). Behind a reverse proxy the client address is the proxy's
unless uvicorn is told to trust its X-Forwarded-For (``DOORSTEP_FORWARDED_ALLOW_IPS``).
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.config import get_settings
from core.i18n import N_
from services.errors import Throttled
from services.rate_limits.store import CounterStore, make_store

_store: CounterStore | None = None
_store_lock = threading.Lock()
_unnamed = itertools.count(1)


def counter_store() -> CounterStore:
    """The store every limiter counts in, chosen from the settings on first use."""
    global _store
    with _store_lock:
        if _store is None:
            _store = make_store()
        return _store


@dataclass
class FixedWindowLimiter:
    """At most ``limit`` hits per key in each window of ``window_seconds``.

    ``limit`` may be a function (a setting): it is then read at every check, so a changed
    setting applies without rebuilding the limiter. ``name`` keeps limiters' counts apart in a
    shared store; instances with the same name share counts (as the same limiter does on
    every instance of the app).
    """

    limit: int | Callable[[], int]
    window_seconds: int
    clock: Callable[[], float] = time.time  # tests pin it so a burst cannot straddle two windows
    message: str = N_("Too many submissions from this connection. Try again in {minutes} minutes.")
    name: str = ""
    store: CounterStore | None = field(default=None, repr=False)  # None: the app's shared store

    def __post_init__(self) -> None:
        if not self.name:
            self.name = f"unnamed-{next(_unnamed)}"

    def _store(self) -> CounterStore:
        return self.store if self.store is not None else counter_store()

    def current_limit(self) -> int:
        return self.limit() if callable(self.limit) else self.limit

    def _window(self, now: float) -> int:
        return int(now // self.window_seconds)

    def check(self, key: str, now: float | None = None) -> None:
        """Raise Throttled if the key has used up this window; does not count a hit."""
        now = self.clock() if now is None else now
        if self._store().count(self.name, key, self._window(now)) >= self.current_limit():
            raise Throttled(self.message, minutes=self.minutes_left(now))

    def hit(self, key: str, now: float | None = None) -> None:
        """Count one hit, raising Throttled if it goes over the window's limit."""
        now = self.clock() if now is None else now
        if self._store().add(self.name, key, self._window(now), self.window_seconds) > self.current_limit():
            raise Throttled(self.message, minutes=self.minutes_left(now))

    def minutes_left(self, now: float) -> int:
        return max(1, math.ceil(self.seconds_left(now) / 60))

    def seconds_left(self, now: float | None = None) -> int:
        """For a Retry-After header: seconds until the current window ends."""
        now = self.clock() if now is None else now
        return max(1, math.ceil((self._window(now) + 1) * self.window_seconds - now))


def _sign_in_attempts_per_address() -> int:
    return get_settings().sign_in_attempts_per_address


# Public request form: submissions per client address per hour, and failed tries (wrong answer to
# the challenge, invalid input) so the challenge cannot be brute-forced.
PUBLIC_SUBMISSIONS = FixedWindowLimiter(name="public-submissions", limit=5, window_seconds=3600)
PUBLIC_ATTEMPTS = FixedWindowLimiter(name="public-attempts", limit=30, window_seconds=3600)
# Volunteer registrations (accounts, each an Argon2 hash) per client address per hour.
REGISTRATIONS = FixedWindowLimiter(name="registrations", limit=5, window_seconds=3600, message=N_(
    "Too many registrations from this connection. Try again in {minutes} minutes."))
# Status-page look-ups of unknown codes and ratings, per client address per hour.
PUBLIC_LOOKUPS = FixedWindowLimiter(name="public-lookups", limit=30, window_seconds=3600)
# Page loads of the public pages (/public/...) per client address per minute: a burst gets 429.
PUBLIC_PAGES = FixedWindowLimiter(name="public-pages", limit=60, window_seconds=60, message=N_(
    "Too many requests from this connection. Try again in {minutes} minutes."))
# Photos sent into public pages (no account), per client address and per open page per hour: each
# one costs a decode, and NiceGUI's upload route answers before the photo is processed.
_PHOTO_MESSAGE = N_("Too many photos sent from this connection. Try again in {minutes} minutes.")
PUBLIC_UPLOADS_PER_ADDRESS = FixedWindowLimiter(name="public-uploads-address", limit=20, window_seconds=3600,
                                                message=_PHOTO_MESSAGE)
PUBLIC_UPLOADS_PER_PAGE = FixedWindowLimiter(name="public-uploads-page", limit=8, window_seconds=3600,
                                             message=_PHOTO_MESSAGE)
# Sign-in tries per client address per 10 minutes (DOORSTEP_SIGN_IN_ATTEMPTS_PER_ADDRESS, 30 by
# default), on top of the per-account throttle in services.accounts.auth: one address guessing passwords
# for many accounts is slowed too.
SIGN_IN_ATTEMPTS = FixedWindowLimiter(
    name="sign-in", limit=_sign_in_attempts_per_address, window_seconds=600, message=N_(
    "Too many sign-in attempts from this connection. Try again in {minutes} minutes."))
# JSON API calls per token (or per client address without one) per minute.
API_CALLS = FixedWindowLimiter(name="api", limit=120, window_seconds=60, message=N_(
    "Too many requests from this connection. Try again in {minutes} minutes."))
# Exports per user per minute: each one reads the whole area.
EXPORTS = FixedWindowLimiter(name="exports", limit=10, window_seconds=60, message=N_(
    "Too many exports in a short time. Try again in {minutes} minutes."))

ALL = (PUBLIC_SUBMISSIONS, PUBLIC_ATTEMPTS, REGISTRATIONS, PUBLIC_LOOKUPS, PUBLIC_PAGES, PUBLIC_UPLOADS_PER_ADDRESS,
       PUBLIC_UPLOADS_PER_PAGE, SIGN_IN_ATTEMPTS, API_CALLS, EXPORTS)


def reset_all() -> None:
    """Tests start each case with empty counters, in a store chosen from the current settings."""
    global _store
    with _store_lock:
        if _store is not None:
            _store.clear()
        _store = None
