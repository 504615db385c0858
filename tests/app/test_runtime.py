"""The server's runtime settings: CPU-heavy work yields to the event loop, the collector pauses less."""

from __future__ import annotations

import gc
import os
import threading

import pytest

from core import collector
from core.cpu_work import NICENESS, cores, cpu_bound
from services.accounts.passwords import hash_password, verify_password


def _where() -> tuple[str, int]:
    return threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_cpu_work_runs_below_the_event_loops_priority() -> None:
    name, niceness = cpu_bound(_where)
    assert name.startswith("doorstep-cpu") and name != threading.current_thread().name
    assert niceness >= os.getpriority(os.PRIO_PROCESS, 0) + NICENESS or niceness == 19
    outer, inner = cpu_bound(lambda: (_where()[0], cpu_bound(_where)[0]))
    assert inner == outer  # a nested call runs in place instead of waiting for a free CPU thread
    assert 1 <= cores() <= (os.cpu_count() or 1)


def test_password_checks_go_through_the_cpu_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = cpu_bound

    def spy(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(fn.__name__)
        return real(fn, *args, **kwargs)

    monkeypatch.setattr("services.accounts.passwords.cpu_bound", spy)
    stored = hash_password("correct horse battery")
    assert verify_password("correct horse battery", stored) and not verify_password("wrong", stored)
    assert seen == ["hash", "_verify", "_verify"]


def test_the_collector_is_settled_after_start_up() -> None:
    before = gc.get_threshold()
    try:
        collector.settle_after_start_up()
        assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0  # what start-up loaded is out of the collector's sight
    finally:
        gc.set_threshold(*before)
