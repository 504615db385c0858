"""A believable month for the demo organisation: events with sign-ups and a waitlist, requests in
every state with ratings, commitments, service posts and points, field days, visit photos drawn
with Pillow and a realistic share of unverified visits. Everything goes through the services, as
the app itself would record it.
"""

from __future__ import annotations

import random

from sqlmodel import Session

from models import User
from services.demo.month.events import seed_events
from services.demo.month.requests import seed_requests
from services.demo.month.visits import seed_visit_evidence
from services.demo.month.year import seed_year


def seed_month(session: Session, rng: random.Random, coordinator: User, members: list[User],
               volunteers: list[User]) -> None:
    seed_visit_evidence(session, rng, members)
    seed_events(session, rng, coordinator, members, volunteers)
    seed_requests(session, rng, coordinator, members)
    seed_year(session, rng, coordinator, members)
