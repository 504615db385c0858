"""Scan door card in real Chromium: the camera is a fake device playing a generated door card's QR code.

Debian's headless Chromium has no BarcodeDetector, so the vendored jsQR reader does the reading.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from models import Area, DoorCard, Household, LocationSource, Pairing, User, Visit
from services.door_cards.card_pdf import qr_png
from services.door_cards.codes import card_code, new_secret, secret_hash
from tests.e2e.browser import sign_in, wait_until_ready_for_offline
from tests.e2e.live_app import CHROMIUM, CHROMIUM_ARGS, PHONE, ROOT

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(os.environ.get("DOORSTEP_SCREENSHOT_DIR", ROOT / "screenshots"))


def y4m_of(image: Image.Image, path: Path, frames: int = 2) -> Path:
    """A raw 4:2:0 video (what --use-file-for-fake-video-capture plays, looping) showing ``image``."""
    ycbcr = image.convert("RGB").convert("YCbCr")
    y, cb, cr = ycbcr.split()
    half = (image.width // 2, image.height // 2)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path.write_bytes(f"YUV4MPEG2 W{image.width} H{image.height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames)
    return path


def camera_showing(code: str, path: Path) -> Path:
    """A door card held in front of the camera: its QR code on a white background, 640x480."""
    scene = Image.new("RGB", (640, 480), "white")
    qr = Image.open(__import__("io").BytesIO(qr_png(code))).convert("RGB").resize((400, 400), Image.NEAREST)
    scene.paste(qr, (120, 40))
    return y4m_of(scene, path)


def member_household(engine, username: str) -> Household:
    with Session(engine) as s:
        member = s.exec(select(User).where(User.username == username)).one()
        ids = s.exec(select(Pairing.household_id).where(Pairing.member_id == member.id,
                                                        col(Pairing.ended_at).is_(None))).all()
        return s.get(Household, min(ids))  # type: ignore[return-value]


def issue_card(engine, household: Household) -> str:
    """Turn door cards on for the household's area and store a card, as printing does."""
    secret = new_secret()
    with Session(engine) as s:
        area = s.get(Area, household.area_id)
        area.door_cards = True  # type: ignore[union-attr]
        card = DoorCard(household_id=household.id, secret_sha256=secret_hash(secret))
        s.add_all([area, card])
        s.commit()
        return card_code(card.id, secret)  # type: ignore[arg-type]


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")  # floating labels
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def card(live_server, tmp_path_factory: pytest.TempPathFactory) -> tuple[Household, Path]:
    household = member_household(live_server.engine, "member1")
    code = issue_card(live_server.engine, household)
    return household, camera_showing(code, tmp_path_factory.mktemp("camera") / "door-card.y4m")


@pytest.fixture
def camera_page(playwright_instance, live_server, card) -> Iterator[object]:
    chromium = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={card[1]}"])
    context = chromium.new_context(base_url=live_server.url, locale="en-US", timezone_id="Asia/Shanghai",
                                   permissions=["camera"], **PHONE)
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    chromium.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


def stored_visit(engine, notes: str) -> Visit:
    with Session(engine) as s:
        return s.exec(select(Visit).where(Visit.notes == notes)).one()


def test_door_card_scan_in_the_visit_form_with_the_phone_camera(camera_page, live_server, card) -> None:
    page, household = camera_page, card[0]
    sign_in(page, "member1")
    page.goto(f"/households/{household.id}/visit")
    scan = page.get_by_role("button", name="Scan door card")
    scan.wait_for()
    assert page.evaluate("'BarcodeDetector' in window") is False  # so jsQR reads the code
    box = scan.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    shot(page, "door-card-1-visit-form")
    scan.click()
    expect(page.get_by_text("Door card of this household")).to_be_visible(timeout=30_000)
    assert page.evaluate("typeof window.jsQR") == "function"
    # What the member sees while the camera looks for the card: a reader that finds nothing, for the picture.
    page.evaluate("() => { window.realJsQR = window.jsQR; window.jsQR = () => null; }")
    scan.click()
    page.wait_for_function("[...document.querySelectorAll('video')].some(v => v.readyState >= 2 && v.videoWidth)")
    shot(page, "door-card-2-camera")
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("video")).to_have_count(0)
    expect(page.get_by_text("Door card of this household")).to_be_visible()  # the first scan still holds
    page.evaluate("() => { window.jsQR = window.realJsQR; }")
    page.get_by_label("Notes").fill("Door card visit from the form")
    shot(page, "door-card-3-scanned")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("Verified by door card").first).to_be_visible()
    shot(page, "door-card-4-saved")
    visit = stored_visit(live_server.engine, "Door card visit from the form")
    assert visit.location_source == LocationSource.door_card and visit.verified


def test_door_card_scan_on_the_offline_page_is_checked_on_sync(camera_page, live_server, card) -> None:
    page, household = camera_page, card[0]
    sign_in(page, "member1")
    wait_until_ready_for_offline(page)
    page.goto("/offline")
    page.get_by_test_id(f"log-{household.id}").click()
    page.locator("#form-card").wait_for()
    page.get_by_role("button", name="Scan door card").click()
    expect(page.get_by_test_id("door-card-status")).to_contain_text("Door card scanned", timeout=30_000)
    page.locator("#notes").fill("Door card visit from the offline page")
    shot(page, "door-card-5-offline-scanned")
    page.locator("#save-visit").click()
    page.wait_for_function("document.getElementById('queue-summary').dataset.visits === '0'", timeout=60_000)
    shot(page, "door-card-6-offline-sent")
    visit = stored_visit(live_server.engine, "Door card visit from the offline page")
    assert visit.location_source == LocationSource.door_card and visit.verified


def test_door_card_printed_by_a_coordinator(camera_page, live_server, card) -> None:
    page, household = camera_page, card[0]
    page.goto("/login")
    page.get_by_label("Phone number or username").fill("coord")
    page.get_by_label("Password").fill("doorstep-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/login"), timeout=30_000)
    page.goto("/door-cards")
    page.get_by_role("switch").first.wait_for()
    shot(page, "door-card-7-areas")
    page.goto(f"/households/{household.id}/door-card")
    expect(page.get_by_text("in use, printed")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Print a new card").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    expect(page.get_by_text("Revoked cards: 1")).to_be_visible()
    shot(page, "door-card-8-card-page")
    with Session(live_server.engine) as s:
        cards = s.exec(select(DoorCard).where(DoorCard.household_id == household.id)).all()
    assert [c.revoked_at is None for c in cards] == [False, True]
