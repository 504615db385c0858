"""The offline page in real Chromium: install, log visits without a network, sync them exactly once."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, func, select

from models import Household, Pairing, Photo, Visit
from tests.e2e.browser import screenshot, sign_in, wait_until_ready_for_offline
from tests.e2e.households import member_households
from tests.helpers.photos import photo_bytes

pytestmark = pytest.mark.e2e


def counts(server, visit_ids: list[str] | None = None) -> tuple[int, int]:
    with Session(server.engine) as s:
        visits = select(func.count(Visit.id))
        photos = select(func.count(Photo.id))
        if visit_ids is not None:
            visits = visits.where(col(Visit.id).in_(visit_ids))
            photos = photos.where(col(Photo.visit_id).in_(visit_ids))
        return s.exec(visits).one(), s.exec(photos).one()


def jpeg(seed: int) -> dict:
    return {"name": f"photo-{seed}.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(seed, (2400, 1800))}


def log_visit(page, household: Household, location: str, notes: str, seeds: list[int]) -> None:
    page.get_by_test_id(f"log-{household.id}").click()
    page.locator("#form-card").wait_for()
    page.locator(f"#loc-{location}").check()
    if location == "gps":
        page.get_by_test_id("location-status").filter(has_text="Location found").wait_for()
    page.locator("#notes").fill(notes)
    page.locator("#needs").fill("Help with the heating subsidy form")
    page.locator("#help").fill("Filled in the form together")
    page.locator("#consent").check()
    page.locator("#photo-input").set_input_files([jpeg(s) for s in seeds])
    page.wait_for_function(f"document.querySelectorAll('#thumbs img').length === {len(seeds)}")


def visit_ids_on_phone(page) -> list[str]:
    return page.evaluate("async () => (await DoorstepStore.getAll('visits')).filter(v => v.status !== 'draft')"
                         ".map(v => v.id)")


def open_the_offline_page(context, page) -> None:
    context.set_offline(True)
    response = page.goto("/")  # the service worker answers a failed navigation with the offline page
    assert response is not None and response.from_service_worker
    page.locator("body[data-ready=true]").wait_for()
    page.get_by_text("Offline", exact=True).wait_for()
    screenshot(page, "offline-1-households")


def queue_two_visits(page, first: Household, second: Household) -> None:
    log_visit(page, first, "address", "First offline visit", [0, 1])
    screenshot(page, "offline-2-form-with-photos")
    page.get_by_role("button", name="Save visit").click()
    log_visit(page, second, "gps", "Second offline visit", [2, 3])
    page.get_by_role("button", name="Save visit").click()
    summary = page.get_by_test_id("queue-summary")
    expect(summary).to_have_text("2 visits, 4 photos waiting")
    screenshot(page, "offline-3-queue")


def reload_offline_keeps_the_queue(page, live_server, before: tuple[int, int]) -> list[str]:
    """The visits queued on the phone, still there after a reload and not yet on the server."""
    summary = page.get_by_test_id("queue-summary")
    page.reload()  # still offline: the page and the queue come from the phone
    page.locator("body[data-ready=true]").wait_for()
    expect(summary).to_have_text("2 visits, 4 photos waiting")
    expect(page.locator("li[data-status=queued]")).to_have_count(2)
    ids = visit_ids_on_phone(page)
    assert len(ids) == 2
    assert counts(live_server) == before
    return ids


def sync_back_online(context, page, ids: list[str]) -> list[dict]:
    """Goes online and waits for the queue to be sent; returns the sync requests the page made."""
    summary = page.get_by_test_id("queue-summary")
    sent: list[dict] = []

    def record(request) -> None:
        if "/api/v1/visits/" in request.url and request.method == "PUT":
            sent.append({"method": request.method, "url": request.url, "headers": request.headers,
                         "body": request.post_data_buffer or b""})

    api_responses = []
    page.on("request", record)
    page.on("response", lambda r: api_responses.append(r) if "/api/v1/" in r.url else None)
    context.set_offline(False)  # the online event starts the sync
    page.wait_for_function("document.getElementById('queue-summary').dataset.visits === '0'", timeout=60_000)
    expect(summary).to_have_text("0 visits, 0 photos waiting")
    receipts = page.get_by_test_id("receipt")
    expect(receipts).to_have_count(2)
    assert all(ids[0] in t or ids[1] in t for t in receipts.all_inner_texts())
    screenshot(page, "offline-4-sent")
    assert api_responses and not any(r.from_service_worker for r in api_responses)  # the worker keeps off the API
    return sent


def assert_the_two_visits_stored(live_server, ids: list[str], before: tuple[int, int]) -> tuple[int, int]:
    """The server's counts once the two visits are stored."""
    after = counts(live_server)
    assert after[0] == before[0] + 2
    assert counts(live_server, ids) == (2, 4)
    with Session(live_server.engine) as s:
        stored = {v.id: v for v in s.exec(select(Visit).where(col(Visit.id).in_(ids))).all()}
    assert {v.notes for v in stored.values()} == {"First offline visit", "Second offline visit"}
    by_notes = {v.notes: v for v in stored.values()}
    assert by_notes["First offline visit"].location_source == "address"
    assert by_notes["Second offline visit"].location_source == "gps" and by_notes["Second offline visit"].verified
    return after


def replay_twice_at_once(live_server, sent: list[dict], ids: list[str], after: tuple[int, int]) -> None:
    # Replay every sync request, twice, all at once: still exactly two visits with four photos.
    assert len([r for r in sent if "/photos/" in r["url"]]) == 4

    def replay(r: dict) -> int:
        headers = {k: v for k, v in r["headers"].items() if k.lower() in ("authorization", "content-type")}
        return httpx.request(r["method"], r["url"], content=r["body"], headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:  # the Playwright thread has its own event loop
        assert set(pool.map(replay, sent + sent)) == {200}
    assert counts(live_server) == after
    assert counts(live_server, ids) == (2, 4)


def test_two_offline_visits_sync_exactly_once_even_when_replayed(context, page, live_server) -> None:
    first, second = member_households(live_server, "member1")[:2]
    context.set_geolocation({"latitude": second.lat + 0.0002, "longitude": second.lng, "accuracy": 12})
    before = counts(live_server)
    sign_in(page, "member1")
    wait_until_ready_for_offline(page)

    open_the_offline_page(context, page)
    queue_two_visits(page, first, second)
    ids = reload_offline_keeps_the_queue(page, live_server, before)
    sent = sync_back_online(context, page, ids)
    after = assert_the_two_visits_stored(live_server, ids, before)
    replay_twice_at_once(live_server, sent, ids, after)


def test_rejected_visit_stays_on_the_phone_with_its_reason_and_can_be_exported(context, page, live_server) -> None:
    household = member_households(live_server, "member3")[0]
    sign_in(page, "member3")
    wait_until_ready_for_offline(page)
    context.set_offline(True)
    page.goto("/offline")
    page.locator("body[data-ready=true]").wait_for()
    log_visit(page, household, "none", "Visited after the pairing ended", [5])
    page.get_by_role("button", name="Save visit").click()
    visit_id = visit_ids_on_phone(page)[0]

    with Session(live_server.engine) as s:  # meanwhile the coordinator ends the pairing
        pairing = s.exec(select(Pairing).where(Pairing.household_id == household.id,
                                               col(Pairing.ended_at).is_(None))).one()
        pairing.ended_at = datetime.now(UTC)
        pairing_id = pairing.id
        s.add(pairing)
        s.commit()
    try:
        context.set_offline(False)
        reason = page.get_by_test_id("reason")
        reason.wait_for(timeout=30_000)
        expect(reason).to_have_text("Reason: Household not found.")
        assert page.locator(f"li[data-visit='{visit_id}']").get_attribute("data-status") == "rejected"
        screenshot(page, "offline-5-rejected")
        with page.expect_download() as download:
            page.get_by_test_id("export-visit").click()
        exported = json.loads(download.value.path().read_text())
        assert exported["visits"][0]["id"] == visit_id
        assert exported["visits"][0]["photos"][0]["data_url"].startswith("data:image/jpeg;base64,")

        page.goto("/")  # online pages show that something is still on the phone
        banner = page.locator("#ds-unsent-banner")
        expect(banner).to_contain_text("1 visit not sent yet")
        screenshot(page, "online-unsent-banner")
        assert counts(live_server, [visit_id]) == (0, 0)
    finally:
        with Session(live_server.engine) as s:
            pairing = s.get(Pairing, pairing_id)
            pairing.ended_at = None
            s.add(pairing)
            s.commit()


def test_installable_with_a_controlling_service_worker(persistent_context, live_server) -> None:
    context = persistent_context
    page = context.pages[0] if context.pages else context.new_page()
    sign_in(page, "member2")
    wait_until_ready_for_offline(page)
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert not [e for e in manifest.get("errors", []) if e.get("critical")]
    data = json.loads(manifest["data"])
    assert data["display"] == "standalone" and data["start_url"] == "/"
    assert {i["sizes"] for i in data["icons"]} >= {"192x192", "512x512"}
    assert any(i.get("purpose") == "maskable" for i in data["icons"])
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    assert page.locator("link[rel=apple-touch-icon]").count() == 1
    zh = httpx.get(f"{live_server.url}/manifest.webmanifest", headers={"Accept-Language": "zh-CN"}).json()
    assert (zh["short_name"], zh["lang"]) == ("入户走访", "zh-CN")
    sw = httpx.get(f"{live_server.url}/sw.js")
    assert sw.headers["service-worker-allowed"] == "/" and "no-cache" in sw.headers["cache-control"]

    page.goto("/offline")
    page.locator("body[data-ready=true]").wait_for()
    page.get_by_test_id(re.compile(r"log-\d+")).first.wait_for()
    screenshot(page, "offline-0-online")
    expect(page.locator("#lang")).to_be_hidden()  # signed in: the account's language, switched in the app
    page.goto("/")
    page.get_by_role("button", name="中文").click()
    page.get_by_text("我的结对户").first.wait_for()
    page.goto("/offline")
    expect(page.get_by_role("heading", name="我的结对户")).to_be_visible()
    screenshot(page, "offline-0-online-zh")


def test_sign_out_clears_the_cache_and_revokes_the_token(context, page, live_server) -> None:
    sign_in(page, "member4")
    wait_until_ready_for_offline(page)
    token = page.evaluate("JSON.parse(localStorage.getItem('doorstep.token')).token")
    me = httpx.get(f"{live_server.url}/api/v1/me/households", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["households"]
    assert set(me.json()["households"][0]) == {"id", "head_name", "address", "lat", "lng", "door_cards",
                                               "last_visit_at", "interval_days", "due_soon_after_days"}
    page.goto("/logout")
    page.wait_for_url(re.compile(r".*/login"))
    assert page.evaluate("localStorage.getItem('doorstep.token')") is None
    assert page.evaluate("async () => (await DoorstepStore.getAll('households')).length") == 0
    again = httpx.get(f"{live_server.url}/api/v1/me/households", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401
