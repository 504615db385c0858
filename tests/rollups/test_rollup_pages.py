"""The map says "counting ..." while a filter the rollups do not hold is active, and only then."""

from __future__ import annotations

from nicegui.testing import User as TestUser
from sqlmodel import Session

from tests.helpers import choose, sign_in


async def test_rollup_map_says_counting_for_a_need_filter_only(user: TestUser, demo: Session) -> None:
    # The map itself is drawn by the browser (DoorstepMap, fire-and-forget JavaScript): the browser test covers it.
    await sign_in(user, "coord")
    await user.open("/map")
    await user.should_see(marker="map")
    await user.should_not_see(marker="map-counting")
    need = next(iter(user.find(marker="filter-need").elements))
    choose(user, "filter-need", next(label for key, label in need.options.items() if key is not None))
    await user.should_see("Counting … (this filter counts every visit)", retries=40)
    choose(user, "filter-need", "All needs")
    await user.should_not_see(marker="map-counting", retries=40)
