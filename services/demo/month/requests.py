"""Demo requests: every status, raised from visits, the hotline and the public form; closed ones rated."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, select

from models import Pairing, RequestSource, RequestStatus, Satisfaction, User
from models.common import utcnow
from services.requests.feedback import rate_on_behalf
from services.requests.tracking import (
    RequestInput,
    assign_request,
    categories,
    change_status,
    create_request,
    raise_request,
)

# (description, days ago, final status, rating or None)
REQUESTS = [
    ("楼道灯坏了，晚上上下楼看不见。", 26, RequestStatus.resolved, Satisfaction.satisfied),
    ("申请低保年审，需要协助准备材料。", 21, RequestStatus.resolved, Satisfaction.basically_satisfied),
    ("下水道堵塞，物业一直没有来修。", 18, RequestStatus.referred, None),
    ("希望小区增加无障碍坡道。", 15, RequestStatus.explained, Satisfaction.basically_satisfied),
    ("噪音扰民，楼上深夜装修。", 12, RequestStatus.resolved, Satisfaction.not_satisfied),  # reopened
    ("老人行动不便，需要代购药品。", 9, RequestStatus.resolved, Satisfaction.satisfied),
    ("屋顶漏水，雨天屋里积水。", 6, RequestStatus.in_progress, None),
    ("想报名社区老年大学书法班。", 4, RequestStatus.assigned, None),
    ("门口的路灯不亮。", 1, RequestStatus.new, None),
]
CLOSING_NOTES = {
    RequestStatus.resolved: "已上门处理完毕。",
    RequestStatus.explained: "小区改造计划明年实施，届时一并考虑。",
    RequestStatus.referred: "已转交物业公司和街道城管科。",
}


def seed_requests(session: Session, rng: random.Random, coordinator: User, members: list[User]) -> None:
    now = utcnow()
    kinds = categories(session)
    for i, (text, days, status, rating) in enumerate(REQUESTS):
        member = members[i % len(members)]
        start = now - timedelta(days=days, hours=rng.randint(1, 6))
        category = kinds[i % len(kinds)]
        if i % 4 == 3:  # a resident's own request through the public form
            request = create_request(session, category=category, description=text, source=RequestSource.public_form,
                                     area_id=member.area_id, now=start, contact_name="居民",
                                     contact_phone="139" + f"{rng.randint(10_000_000, 99_999_999)}")
        else:
            household_id = session.exec(select(Pairing.household_id).where(Pairing.member_id == member.id)).first()
            request = raise_request(session, member, RequestInput(category_id=category.id, description=text,
                                                                  household_id=household_id), now=start)
        if status == RequestStatus.new:
            continue
        assign_request(session, coordinator, request.id, member.id, note="请跟进", now=start + timedelta(hours=3))
        if status == RequestStatus.assigned:
            continue
        change_status(session, coordinator, request.id, RequestStatus.in_progress, "已联系居民",
                      now=start + timedelta(days=1))
        if status == RequestStatus.in_progress:
            continue
        change_status(session, coordinator, request.id, status, CLOSING_NOTES[status],
                      referred_to="物业公司" if status == RequestStatus.referred else "",
                      now=start + timedelta(days=2))
        if rating is not None:
            rate_on_behalf(session, member, request.id, rating, now=start + timedelta(days=4))
    session.flush()
