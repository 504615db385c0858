"""Builders for request tests: raise a request from a visit, submit the public form, solve one."""

from __future__ import annotations

from datetime import datetime

from core.db import session_scope
from models import (
    ServiceRequest,
)
from services.accounts import challenge
from services.requests.feedback import (
    PublicRequestInput,
    submit_public_request,
)
from services.requests.tracking import (
    RequestInput,
    raise_request,
)
from services.visits.records import save_visit
from tests.helpers import account
from tests.helpers.visits import near_home, paired_household

HOUSING = 1  # seeded by the migration: Housing repair, 72 hours


def solved(now: float | None = None) -> tuple[str, int]:
    """A challenge token with its right answer, as a resident's browser would send it."""
    c = challenge.new_challenge(now)
    return c.token, c.a + c.b


def submit(form: PublicRequestInput, ip: str = "203.0.113.7", photos: list | None = None) -> ServiceRequest:
    token, answer = solved()
    with session_scope() as s:
        return submit_public_request(s, form, ip, token, answer, photos)


def raise_from_visit(member_name: str = "member1", category: int = HOUSING, text: str = "Stairwell light broken",
                     now: datetime | None = None) -> ServiceRequest:
    with session_scope(read_only=True) as s:
        member = account(s, member_name)
        household = paired_household(s, member)
    visit = save_visit(member, near_home(household))
    with session_scope() as s:
        return raise_request(s, member, RequestInput(category_id=category, description=text,
                                                     household_id=household.id, visit_id=visit.id), now=now)
