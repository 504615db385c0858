"""The per-user daily photo quota: visits and requests count together; a clear message when it is used up."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from core import config
from core.db import session_scope
from services.errors import InvalidInput
from services.requests.tracking import add_photo_to_request
from services.visits.records import prepare_photo
from tests.helpers import account
from tests.helpers.photos import photo_bytes
from tests.helpers.requests import raise_from_visit
from tests.helpers.security import member_household, visit_with_photos


def test_daily_photo_quota_counts_visit_and_request_photos(demo: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOORSTEP_DAILY_PHOTO_QUOTA", "2")
    config.get_settings.cache_clear()
    member, household = member_household(demo, "member1")
    visit_with_photos(member, household, [0])
    request = raise_from_visit("member1")
    with session_scope() as s:
        add_photo_to_request(s, account(s, "member1"), request.id, prepare_photo(photo_bytes(1)))
    with pytest.raises(InvalidInput) as refused:
        visit_with_photos(member, household, [2])
    assert refused.value.message.startswith("You have added {n} photos in the last 24 hours")
    assert refused.value.params == {"n": 2}
    other, other_household = member_household(demo, "member2")  # another account is not affected
    visit_with_photos(other, other_household, [3])
