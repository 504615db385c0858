"""The organisation's days: a date typed in a form or put in a URL starts at 00:00 in its time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.config import get_settings
from services.org.clock import day_start, parse_day


def test_a_typed_day_starts_at_midnight_in_the_organisations_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "time_zone", "Asia/Shanghai")
    start = day_start("2026-03-01")
    assert start == datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert start.utcoffset().total_seconds() == 8 * 3600  # 16:00 UTC the day before, not the server's midnight
    assert day_start("2026-03-01", ZoneInfo("UTC")) == datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize("text", ["", None, "yesterday", "2026-02-30", "01/03/2026"])
def test_anything_but_a_date_is_no_date(text: str | None) -> None:
    assert parse_day(text) is None and day_start(text) is None


def test_parse_day_reads_iso_dates() -> None:
    assert parse_day("2026-12-06") == date(2026, 12, 6)
