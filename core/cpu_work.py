"""CPU-heavy work (password hashing, photo decoding) on a few threads that yield to the event loop.

Argon2 and Pillow release the GIL, so on a busy server they take whole cores: with NiceGUI's
thread pool (six threads on two cores) running them, the thread that runs the event loop got a
seventh of the CPU and every connected phone waited. Here they run on one thread per core, at a
lower scheduling priority (``nice`` 10 for these threads only), so the event loop and the short
database reads always come first; the heavy work takes what is left, which on a server that is
not saturated is all of it.

Called from worker threads (NiceGUI's pool, the API's ``run.io_bound``), never from the event
loop: ``cpu_bound`` waits for the result.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

NICENESS = 10  # 10 nice levels below normal: about a tenth of the CPU weight of the event loop's thread
THREAD_PREFIX = "doorstep-cpu"


def _yield_to_the_loop() -> None:
    # Linux schedules threads on their own; raising one's niceness needs no privilege.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


def cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's share)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_POOL = ThreadPoolExecutor(max_workers=cores(), thread_name_prefix=THREAD_PREFIX, initializer=_yield_to_the_loop)


def cpu_bound(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` on a low-priority CPU thread; waits for it (one thread per core at most)."""
    if threading.current_thread().name.startswith(THREAD_PREFIX):
        return fn(*args, **kwargs)  # already on one: a nested call must not wait for a free thread
    return _POOL.submit(fn, *args, **kwargs).result()
