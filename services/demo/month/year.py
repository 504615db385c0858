"""Demo commitments (with progress notes), service posts with members in them, service points and field days."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import Session

from models import User
from models.common import utcnow
from services.community.service_points import ServicePointForm, save_service_point
from services.community.service_posts import apply_for_post, assign_member, save_post
from services.org.clock import org_zone
from services.year.commitments import add_note, close_commitment, create_commitment
from services.year.field_days import FieldDayInput, record_field_day

COMMITMENTS = [
    ("每月至少走访结对户两次", "重点关注独居老人，记录每次的需求。"),
    ("帮助三户居民办理线上医保", "教会老人用手机查询和缴费。"),
    ("组织一次楼栋邻里议事会", "讨论楼道堆物和电动车充电问题。"),
    ("为困难家庭联系一次免费体检", ""),
]
POSTS = [("楼栋长", "联系本楼栋居民，收集需求，传达通知。", 4), ("政策宣传员", "在活动中讲解惠民政策。", 2),
         ("文明劝导员", "周末在小区门口劝导电动车有序停放。", 3)]
POINTS = [("锦江社区党群服务中心", "成都市锦江区望江路12号", (30.6462, 104.0868), "周一至周五 9:00–17:30",
           "028-84440001", "政策咨询、证明开具、诉求受理"),
          ("水井坊社区便民服务站", "成都市锦江区水井街27号", (30.6518, 104.0931), "每天 8:30–18:00",
           "028-84440002", "代收快递、理发、助餐"),
          ("望江路街道综合服务窗口", "成都市锦江区望江路1号", (30.6490, 104.0900), "周一至周六 9:00–17:00",
           "028-84440000", "社保、低保、残疾人服务")]
FIELD_DAYS = [(-24, "锦江社区3号院", "了解加装电梯进展", "大部分住户同意，资金分摊有分歧。", "需要街道协调"),
              (-12, "水井坊社区老旧院落", "走访独居老人", "两位老人需要助餐服务。", ""),
              (-3, "九眼桥街沿街商户", "听取商户对停车的意见", "晚上占道停车较多。", "建议划定临时车位")]


def seed_year(session: Session, rng: random.Random, coordinator: User, members: list[User]) -> None:
    now = utcnow()
    for i, member in enumerate(members[:4]):
        title, description = COMMITMENTS[i]
        commitment = create_commitment(session, member, title, description, now=now - timedelta(days=40))
        add_note(session, member, commitment.id, "本月已完成一部分，居民反映很好。", now=now - timedelta(days=10))
        if i == 0:
            close_commitment(session, member, commitment.id, True, "已按计划完成。", now=now - timedelta(days=2))
    office = coordinator.area_id
    for j, (name, duties, seats) in enumerate(POSTS):
        post = save_post(session, coordinator, office, name, duties, seats)
        assign_member(session, coordinator, post.id, members[j].id, now=now - timedelta(days=30))
        if j == 0:
            apply_for_post(session, members[3], post.id, now=now - timedelta(days=1))  # waiting for a decision
    for name, address, (lat, lng), hours, contact, services in POINTS:
        save_service_point(session, coordinator, ServicePointForm(
            area_id=office, name=name, address=address, lat=lat, lng=lng, opening_hours=hours, contact=contact,
            services=services))
    leader = next((m for m in members if m.is_leader), members[0])
    today = now.astimezone(org_zone()).date()
    for days, place, purpose, learned, problems in FIELD_DAYS:
        day = datetime.combine(today + timedelta(days=days), datetime.min.time(), tzinfo=org_zone()).replace(hour=10)
        for person in (leader, coordinator):
            record_field_day(session, person, FieldDayInput(day_at=day, place=place, purpose=purpose,
                                                            learned=learned, problems=problems), now=now)
    session.flush()
