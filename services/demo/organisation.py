"""A believable demo organisation in Chengdu, for trying Doorstep out (`python app.py --demo`)."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from sqlmodel import Session

from core.config import get_settings
from models import GeocodeStatus, Household, HouseholdNeed, Pairing, Role, Visit
from models.common import utcnow
from models.visits import LocationSource
from services.accounts.users import UserForm, create_user
from services.callbacks.draw import draw_week
from services.callbacks.weeks import week_before
from services.map.geo import verify_location
from services.org.areas import create_area
from services.org.setup import create_organisation, needs_setup
from services.visits.review.counting import apply_rule
from services.visits.review.signals import location_signal

DEMO_PASSWORD = "doorstep-demo"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["秀英", "桂兰", "建国", "玉兰", "德明", "淑珍", "志强", "文华", "凤英", "国平", "丽华", "永福"]
STREETS = ["望江路", "九眼桥街", "水井坊街", "合江亭路", "东门大街", "锦官驿街"]
# Two communities of the Wangjiang Road street office, Jinjiang district, Chengdu.
NOTES = ["身体状况良好，精神不错。", "反映楼道灯坏了。", "需要协助办理低保年审。", "陪同聊天，了解近况。"]
COMMUNITIES = [("锦江社区", (30.6465, 104.0870)), ("水井坊社区", (30.6520, 104.0935))]


def seed_demo(session: Session, seed: int = 7, month: bool = True) -> list[str]:
    """Fill an empty database; returns 'username / password (role)' lines, or [] if not empty.

    ``month`` adds a believable month of everything else (services/demo_month); without it, only
    the organisation, accounts, households and visits (the tests' smaller fixture).
    """
    if not needs_setup(session):
        return []
    rng = random.Random(seed)
    admin = create_organisation(session, "望江路街道社区服务中心", "望江路街道", "系统管理员", "admin", "13800000001",
                                DEMO_PASSWORD)
    office_id = admin.area_id
    shared = admin.password_hash  # one Argon2 hash for every demo account (same password)
    communities = [create_area(session, name, "community", office_id) for name, _ in COMMUNITIES]
    coordinator = create_user(session, None, UserForm(username="coord", name="陈协调", phone="13800000002",
                                                      role=Role.coordinator, area_id=office_id, is_leader=True),
                              DEMO_PASSWORD, must_change=False, password_hash=shared)
    members = []
    for i in range(6):
        area = communities[i % 2]
        members.append(create_user(
            session, None,
            UserForm(username=f"member{i + 1}", name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                     phone=f"1390000000{i + 1}", role=Role.member, area_id=area.id, is_leader=i == 0),
            DEMO_PASSWORD, must_change=False, password_hash=shared))
    volunteers = [create_user(session, None, UserForm(username=f"volunteer{i + 1}", name=f"志愿者{i + 1}",
                                                      phone=f"1370000000{i + 1}", role=Role.volunteer,
                                                      area_id=communities[i].id), DEMO_PASSWORD, must_change=False,
                              password_hash=shared)
                  for i in range(2)]
    now = utcnow()
    for i in range(40):
        area, (lat0, lng0) = communities[i % 2], COMMUNITIES[i % 2][1]
        household = Household(
            area_id=area.id, head_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            address=(f"成都市锦江区{rng.choice(STREETS)}{rng.randint(1, 120)}号"
                     f"{rng.randint(1, 6)}栋{rng.randint(1, 30)}0{rng.randint(1, 4)}"),
            phone=f"138{rng.randint(10000000, 99999999)}", members_count=rng.randint(1, 5),
            lat=round(lat0 + rng.uniform(-0.006, 0.006), 6), lng=round(lng0 + rng.uniform(-0.006, 0.006), 6),
            geocode_status=GeocodeStatus.manual, created_at=now - timedelta(days=3 * 365),
        )
        session.add(household)
        session.flush()
        for category_id in rng.sample(range(1, 6), rng.randint(1, 2)):
            session.add(HouseholdNeed(household_id=household.id, category_id=category_id))
        member = members[(i // 2) % 3 * 2 + i % 2]
        session.add(Pairing(household_id=household.id, member_id=member.id, started_at=now - timedelta(days=200)))
        last = None
        for _ in range(rng.randint(0, 4)):
            when = now - timedelta(days=rng.randint(3, 90), hours=rng.randint(0, 8))
            lat, lng = household.lat + rng.uniform(-0.001, 0.001), household.lng + rng.uniform(-0.001, 0.001)
            check = verify_location((lat, lng), (household.lat, household.lng), LocationSource.gps, 20.0, 150.0)
            visit = Visit(
                id=str(uuid.UUID(int=rng.getrandbits(128))), household_id=household.id, member_id=member.id,
                visited_at=when, lat=lat, lng=lng, accuracy_m=20.0, location_source=LocationSource.gps,
                distance_m=check.distance_m, verified=check.verified, photo_consent=False,
                notes=rng.choice(NOTES),
                needs_raised=rng.choice(["", "楼道照明维修", "代购药品", ""]),
                help_given=rng.choice(["", "已联系物业", "送去米油", "帮助填写申请表"]),
                created_at=when + timedelta(hours=1),  # entered the same day
            )
            found = location_signal(LocationSource.gps, check.verified, check.distance_m, 20.0, True)
            visit.signals = [found] if found else []
            apply_rule(visit)
            session.add(visit)
            if visit.counts:
                last = max(last, when) if last else when
        household.last_visit_at = last
        session.add(household)
    session.flush()
    if month:
        from services.demo.month import seed_month

        seed_month(session, rng, coordinator, members, volunteers)
        # Last week's callback list, as the weekly job would have drawn it on Monday.
        session.flush()
        draw_week(session, week_before(utcnow()), get_settings().callback_share)
    accounts = [admin, coordinator, *members, *volunteers]
    return [f"{u.username} / {DEMO_PASSWORD}  ({u.role.value}, {u.name})" for u in accounts]
