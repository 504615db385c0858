"""Demo events: two past ones with attendance, one today, upcoming ones, one full with a waitlist."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import Session

from models import Role, User
from models.common import utcnow
from services.events.attendance import set_present
from services.events.catalogue import EventForm, RoleForm, create_event, roles_of
from services.events.signups import sign_up
from services.org.clock import org_zone

# (title, category, address, days from today, start hour, hours, capacity, roles)
EVENTS = [
    ("望江楼公园环境清洁", "环境", "望江楼公园北门", -20, 9, 3, 12, []),
    ("老年人智能手机课堂", "助老", "锦江社区活动室", -9, 14, 2, 8, [("讲解", 2), ("一对一辅导", 6)]),
    ("社区义诊", "健康", "水井坊社区服务中心", 0, 9, 4, 10, []),
    ("独居老人上门送餐", "助老", "锦江社区食堂", 3, 11, 2, 3, []),
    ("垃圾分类宣传", "环境", "九眼桥街口", 6, 15, 2, 10, []),
    ("周末亲子阅读", "文化", "社区图书室", 12, 10, 2, 6, []),
]
EXTRA_VOLUNTEERS = ["刘晓雨", "周明", "吴丹", "郑浩", "孙丽", "何佳"]


def _extra_volunteers(session: Session, area_id: int | None, password_hash: str) -> list[User]:
    """Demo volunteers who fill rosters (the demo password, like every demo account)."""
    people = [User(username=f"demo.v{i + 3}", name=name, role=Role.volunteer, area_id=area_id,
                   password_hash=password_hash) for i, name in enumerate(EXTRA_VOLUNTEERS)]
    session.add_all(people)
    session.flush()
    return people


def seed_events(session: Session, rng: random.Random, coordinator: User, members: list[User],
                volunteers: list[User]) -> None:
    now = utcnow()
    today = now.astimezone(org_zone()).date()
    people = [*volunteers, *members[:3], *_extra_volunteers(session, volunteers[0].area_id, coordinator.password_hash)]
    for title, category, address, days, hour, hours, capacity, roles in EVENTS:
        start = datetime.combine(today + timedelta(days=days), datetime.min.time(), tzinfo=org_zone()) \
            .replace(hour=hour)
        event = create_event(session, coordinator, EventForm(
            area_id=coordinator.area_id, title=title, category=category, address=address, starts_at=start,
            ends_at=start + timedelta(hours=hours), capacity=capacity, lat=30.6465 + rng.uniform(-0.004, 0.004),
            lng=104.0870 + rng.uniform(-0.004, 0.004), description=f"{title}，欢迎报名参加。",
            roles=[RoleForm(name=n, capacity=c) for n, c in roles]))
        signed_at = min(now, start) - timedelta(days=2)
        # A full event with a waitlist (the meal delivery), the others part filled.
        crowd = people if capacity <= 3 else rng.sample(people, min(len(people), capacity - rng.randint(1, 3)))
        if days >= 10:  # volunteer1 has not signed up for the last one yet (the start page shows the difference)
            crowd = [p for p in crowd if p.id != volunteers[0].id]
        role_ids = [r.id for r in roles_of(session, event.id)]
        for i, person in enumerate(crowd):
            signup = sign_up(session, person, event.id, role_ids[i % len(role_ids)] if role_ids else None,
                             now=signed_at + timedelta(minutes=i * 7))
            if start < now and signup.confirmed_at is not None and rng.random() < 0.85:
                set_present(session, coordinator, signup.id, True, now=min(now, start + timedelta(hours=hours)))
    session.flush()

