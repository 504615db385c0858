"""In real Chromium: a resident reads the community board on a phone and leaves a comment; a member
opens their annual record; the coordinator sees the area summary and the service point on the map.
Screenshots go to screenshots/year-*.png."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser
from sqlmodel import Session, select

from core.db import session_scope
from models import BoardComment, CommentStatus, Household, LocationSource, Pairing, RequestStatus, Satisfaction
from models.common import utcnow
from services.accounts.challenge import new_challenge
from services.community.board import moderate_comment, submit_board_comment
from services.community.service_points import ServicePointForm, save_service_point
from services.community.service_posts import assign_member, save_post
from services.requests.feedback import rate_on_behalf
from services.requests.tracking import RequestInput, assign_request, change_status, raise_request
from services.visits.records import VisitInput, record_visit
from services.year.commitments import add_note, close_commitment, create_commitment
from services.year.field_days import FieldDayInput, record_field_day
from tests.e2e.flows import sign_in, watch_console
from tests.e2e.live_app import PHONE, running_app, screenshot_path
from tests.helpers import account

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}




def seed_year() -> int:
    """Believable data for the screenshots, through the services; returns member1's community id."""
    with session_scope(read_only=True) as s:
        m1, m3, m5, coord = (account(s, n) for n in ("member1", "member3", "member5", "coord"))
        home = s.get(Household, s.exec(select(Pairing.household_id).where(Pairing.member_id == m1.id)).first())
    now = utcnow()
    with session_scope() as s:
        lights = create_commitment(s, m1, "修好 3 号楼楼道的灯", "和物业一起排查线路")
        visits = create_commitment(s, m1, "每月陪李阿姨去医院复查")
        create_commitment(s, m3, "为独居老人安装紧急呼叫按钮")
        fence = create_commitment(s, m5, "修补小区东门的围栏")
    with session_scope() as s:
        add_note(s, m1, lights.id, "物业已答应更换灯具")
        close_commitment(s, m1, lights.id, kept=True, reason="3 月起楼道全部换上了感应灯")
        close_commitment(s, m5, fence.id, kept=False, reason="围栏属于市政，已转交街道城管科")
    c = new_challenge()
    with session_scope() as s:
        comment = submit_board_comment(s, lights.id, "晚上回家终于不用摸黑了，谢谢！", "203.0.113.50", c.token,
                                       c.a + c.b)
    with session_scope() as s:
        moderate_comment(s, coord, comment.id, approve=True)
        post = save_post(s, coord, m1.area_id, "楼栋安全巡查员", "每周巡查楼道、消防通道和电动车充电", 2)
        assign_member(s, coord, post.id, m1.id)
        save_service_point(s, coord, ServicePointForm(
            area_id=m1.area_id, name="锦江社区党群服务中心", address="望江路 18 号", lat=30.6470, lng=104.0880,
            opening_hours="周一至周五 9:00-17:30", contact="028-8451 0000",
            services="社保、低保、老年证办理；法律咨询"))
        save_service_point(s, coord, ServicePointForm(
            area_id=coord.area_id, name="望江路街道便民服务站", address="九眼桥街 6 号", lat=30.6500, lng=104.0900,
            opening_hours="每天 8:30-20:00", contact="028-8451 1111", services="水电报修、物品借用"))
    assert visits.id and home is not None
    with session_scope() as s:
        record_visit(s, m1, VisitInput(id=str(uuid.uuid4()), household_id=home.id, lat=home.lat + 0.0002,
                                       lng=home.lng, accuracy_m=10, location_source=LocationSource.gps,
                                       notes="ok"))
        request = raise_request(s, m1, RequestInput(category_id=1, description="楼道灯坏了", household_id=home.id),
                                now=now - timedelta(days=20))
    with session_scope() as s:
        assign_request(s, coord, request.id, m1.id, now=now - timedelta(days=20))
    with session_scope() as s:
        change_status(s, m1, request.id, RequestStatus.resolved, note="已更换", now=now - timedelta(days=19))
    with session_scope() as s:
        rate_on_behalf(s, m1, request.id, Satisfaction.satisfied, now=now - timedelta(days=18))
        for days in (5, 40, 70):
            record_field_day(s, m1, FieldDayInput(day_at=now - timedelta(days=days), place="锦江社区联系点",
                                                  purpose="接待居民"))
    return m1.area_id  # type: ignore[return-value]


async def test_public_board_on_a_phone_and_an_annual_record(async_browser: Browser, demo: Session,
                                                             data_dir: Path) -> None:
    community = seed_year()
    errors: list[str] = []
    with running_app(data_dir, DOORSTEP_DEFAULT_LANGUAGE="en") as base:
        resident = await async_browser.new_context(**PHONE, locale="zh-CN")
        page = await resident.new_page()
        watch_console(page, errors)
        await page.goto(f"{base}/public/board/{community}")
        await page.get_by_text("修好 3 号楼楼道的灯").wait_for()
        await page.get_by_text("晚上回家终于不用摸黑了").wait_for()
        html = await page.content()
        assert "13900000001" not in html and "成都市锦江区" not in html  # no phone numbers, no home addresses
        await page.screenshot(path=screenshot_path("year-1-board-phone"), full_page=True)

        await page.get_by_role("button", name="留言").first.click()
        await page.get_by_label("您的留言").fill("灯很亮，谢谢")
        question = await page.locator(".q-dialog").get_by_text(re.compile(r"\d+ \+ \d+")).inner_text()
        a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
        await page.get_by_label("答案").fill(str(a + b))
        await page.wait_for_timeout(400)  # let the dialog finish opening
        await page.screenshot(path=screenshot_path("year-2-board-comment-phone"))
        await page.locator(".q-dialog").get_by_role("button", name="提交").click()
        await page.get_by_text("谢谢。协调员阅读后").wait_for()
        with session_scope(read_only=True) as s:  # held for the coordinator, not shown yet
            assert s.exec(select(BoardComment.text).where(BoardComment.status == CommentStatus.pending)).all() == [
                "灯很亮，谢谢"]

        member = await async_browser.new_context(**PHONE, locale="en-GB")
        mpage = await member.new_page()
        watch_console(mpage, errors)
        await sign_in(mpage, base, "member1")
        await mpage.goto(f"{base}/me/record")
        await mpage.get_by_text("Households paired").wait_for()
        await mpage.screenshot(path=screenshot_path("year-3-record-phone"), full_page=True)

        coordinator = await async_browser.new_context(**DESKTOP)
        cpage = await coordinator.new_page()
        watch_console(cpage, errors)
        await sign_in(cpage, base, "coord")
        await cpage.goto(f"{base}/records")
        await cpage.get_by_text("Tap a row").wait_for()
        await cpage.screenshot(path=screenshot_path("year-4-records-summary"), full_page=True)
        await cpage.goto(f"{base}/map")
        await cpage.wait_for_function("window.doorstepMapCount > 0", timeout=15000)
        data = await (await cpage.request.get(base + "/api/v1/map-data")).json()
        assert {f["properties"]["name"] for f in data["features"] if f["properties"]["kind"] == "service_point"} == {
            "锦江社区党群服务中心", "望江路街道便民服务站"}
    assert errors == []
