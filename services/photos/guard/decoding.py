"""Every photo upload path decodes through here: a re-sent file is answered from its hash, at most
one decode per core runs at a time, and the memory of a decode is handed back to the OS after it."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from core.config import get_settings
from core.cpu_work import cores, cpu_bound
from services.errors import InvalidInput
from services.photos.pipeline import ProcessedPhoto, Reserve

RECENT_OUTCOMES = 32  # results kept by hash: a processed photo is ~0.3 MB, a refusal a few bytes


# Threads beyond this wait: each running decode may hold up to the decode budget in memory.
DECODE_SLOTS = threading.BoundedSemaphore(cores())


_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
MMAP_THRESHOLD = 1024 * 1024


def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
        libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    except (OSError, AttributeError):  # musl, macOS, Windows: nothing to call
        return None
    return libc


_libc = _glibc()
if _libc is not None:
    # Pillow keeps pixels in blocks of up to 16 MB. glibc serves the first from mmap, then raises
    # its mmap threshold to that size, so later blocks come from the decoding thread's arena, and a
    # thread arena's free top is never trimmed: 10 sequential bomb decodes in a thread pool
    # left ~190 MB resident. A fixed threshold (which also turns the raising off) keeps every big
    # block in its own mapping, unmapped on free (bench/photo_memory.py, docs/BENCHMARKS.md).
    _libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def return_memory_to_os() -> bool:
    """Give freed heap pages back to the OS (glibc keeps them in its arenas otherwise).

    Returns False where there is no glibc malloc_trim.
    """
    if _libc is None:
        return False
    _libc.malloc_trim(0)
    return True


class MemoryBudget:
    """Bytes that decodes running at once may hold together: a decode waits until its estimate fits.

    One decode alone may use the whole budget (bigger ones are refused before this), so a burst
    of hostile uploads is decoded one after another instead of all at once.
    """

    def __init__(self, total: Callable[[], int]) -> None:
        self.total = total
        self.in_use = 0
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, nbytes: int) -> Iterator[None]:
        nbytes = min(nbytes, self.total())
        with self._changed:
            self._changed.wait_for(lambda: self.in_use + nbytes <= self.total())
            self.in_use += nbytes
        try:
            yield
        finally:
            with self._changed:
                self.in_use -= nbytes
                self._changed.notify_all()


def _total_budget() -> int:
    return get_settings().max_decode_bytes


DECODE_MEMORY = MemoryBudget(_total_budget)


@contextmanager
def decode_slot() -> Iterator[None]:
    """Hold one of the process's decode slots; return the memory to the OS when done."""
    with DECODE_SLOTS:
        try:
            yield
        finally:
            return_memory_to_os()


class RecentOutcomes:
    """The last results by upload hash, and decodes in flight: the same bytes are decoded once."""

    def __init__(self, size: int = RECENT_OUTCOMES) -> None:
        self.size = size
        self._done: OrderedDict[tuple, ProcessedPhoto | InvalidInput] = OrderedDict()
        self._running: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: tuple, compute: Callable[[], ProcessedPhoto]) -> ProcessedPhoto:
        while True:
            with self._lock:
                if key in self._done:
                    self._done.move_to_end(key)
                    return self._answer(self._done[key])
                waiting = self._running.get(key)
                if waiting is None:
                    self._running[key] = threading.Event()
                    break
            waiting.wait()  # the same bytes are being decoded by another upload: use its result
        try:
            try:
                outcome: ProcessedPhoto | InvalidInput = compute()
            except InvalidInput as exc:
                # A fresh copy without the traceback: its frames would keep the decoded pixels alive.
                outcome = InvalidInput(exc.message, **exc.params)
            with self._lock:
                self._done[key] = outcome
                while len(self._done) > self.size:
                    self._done.popitem(last=False)
            return self._answer(outcome)
        finally:
            with self._lock:
                self._running.pop(key).set()

    @staticmethod
    def _answer(outcome: ProcessedPhoto | InvalidInput) -> ProcessedPhoto:
        if isinstance(outcome, InvalidInput):
            raise InvalidInput(outcome.message, **outcome.params)
        return outcome

    def clear(self) -> None:
        with self._lock:
            self._done.clear()


RECENT = RecentOutcomes()


def upload_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_once(data: bytes, limits: tuple, process: Callable[[bytes, Reserve], ProcessedPhoto]) -> ProcessedPhoto:
    """``process(data, reserve)`` in a decode slot, within the shared memory budget, unless the same
    bytes under the same limits were seen lately."""

    def run() -> ProcessedPhoto:
        with decode_slot():
            return cpu_bound(process, data, DECODE_MEMORY.reserve)  # yields to the event loop (core.cpu_work)

    return RECENT.get_or_compute((upload_hash(data), *limits), run)
