"""At 01:00 in Beijing the server's UTC date is still yesterday: "today" must be the organisation's day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session

from models.common import set_clock
from tests.helpers import element, sign_in

# 2026-03-11 01:00 in Asia/Shanghai is 2026-03-10 17:00 UTC.
ONE_AM_BEIJING = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


@pytest.fixture
def one_am_beijing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DOORSTEP_TIME_ZONE", "Asia/Shanghai")
    set_clock(lambda: ONE_AM_BEIJING)
    yield
    set_clock(None)


async def test_time_zone_map_default_range_ends_today_in_beijing(user: TestUser, demo: Session,
                                                                 one_am_beijing: None) -> None:
    await sign_in(user, "coord")
    await user.open("/map")
    assert element(user, "filter-to").value == "2026-03-11"


async def test_time_zone_coverage_default_range_ends_today_in_beijing(user: TestUser, demo: Session,
                                                                      one_am_beijing: None) -> None:
    await sign_in(user, "coord")
    await user.open("/coverage")
    assert element(user, "filter-to").value == "2026-03-11"
    assert element(user, "filter-from").value == "2026-02-10"


async def test_time_zone_export_file_name_is_beijing_date(user: TestUser, demo: Session,
                                                          one_am_beijing: None) -> None:
    await sign_in(user, "coord")
    response = await user.http_client.get("/exports/visits.csv")
    assert response.status_code == 200
    assert 'filename="doorstep-visits-2026-03-11.csv"' in response.headers["content-disposition"]
