"""One language per screen in real Chromium: an account shown in English sees no Chinese in
NiceGUI's own "connection lost" box, on the offline page or in the unsent-visits banner."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from models import Household, User
from tests.e2e.browser import screenshot, sign_in, wait_until_ready_for_offline

pytestmark = pytest.mark.e2e
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def chinese_ui_text(page, data: set[str]) -> list[str]:
    """Visible text with Chinese characters once the records' own data (names, addresses) is taken out."""
    texts = page.evaluate("""() => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const box = node.parentElement;
          if (box && box.offsetParent !== null && node.textContent.trim()) out.push(node.textContent.trim());
        }
        for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
          for (const a of ['aria-label', 'title', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
        }
        return out;
    }""")
    left = []
    for text in texts:
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, "")
        if CHINESE.search(text):
            left.append(text)
    return left


def demo_data(server) -> set[str]:
    with Session(server.engine) as s:
        data = {u.name for u in s.exec(select(User)).all()}
        for h in s.exec(select(Household)).all():
            data.update(v for v in (h.head_name, h.address) if v)
    return data


def test_reconnect_box_is_english_for_an_english_account(page, live_server) -> None:
    sign_in(page, "member2")
    assert page.evaluate("document.documentElement.lang") == "en-US"
    popup = page.locator("#popup")
    expect(popup).to_be_hidden()
    page.wait_for_function("window.socket && window.socket.connected")
    page.evaluate("window.socket.disconnect()")  # the phone loses its connection
    expect(popup).to_be_visible()
    text = popup.inner_text()
    screenshot(page, "f15-reconnect-dialog-en")
    assert "Connection lost" in text and not CHINESE.search(text), text


def test_reconnect_box_is_chinese_for_a_chinese_account(page, live_server) -> None:
    sign_in(page, "member3")
    page.get_by_role("button", name="中文").click()
    page.get_by_text("我的结对户").first.wait_for()
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.wait_for_function("window.socket && window.socket.connected")
    page.evaluate("window.socket.disconnect()")
    expect(page.locator("#popup")).to_contain_text("连接")


def test_offline_page_and_banner_follow_the_account_not_their_own_setting(page, live_server) -> None:
    page.goto("/login")
    page.evaluate("localStorage.setItem('doorstep.lang', 'zh')")  # chosen on the offline page earlier
    sign_in(page, "member2")
    wait_until_ready_for_offline(page)
    visited = datetime.now(UTC).isoformat()
    page.evaluate("""(visited) => DoorstepStore.put('visits', {id: 'f15-rejected', status: 'rejected',
        household_id: 1, visited_at: visited, created_at: visited, photos: [], reason: 'Too late'})""", visited)
    page.reload()
    banner = page.locator("#ds-unsent-banner")
    expect(banner).to_contain_text("1 visit not sent yet")
    assert not CHINESE.search(banner.inner_text())
    screenshot(page, "f15-home-banner-en")

    page.goto("/offline")
    page.locator("body[data-ready=true]").wait_for()
    page.get_by_test_id(re.compile(r"log-\d+")).first.wait_for()
    expect(page.get_by_role("heading", name="My households")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert chinese_ui_text(page, demo_data(live_server)) == []
    screenshot(page, "f15-offline-page-en")
