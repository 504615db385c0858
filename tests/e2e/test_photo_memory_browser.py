"""Photos on the phone. A 20000x20000 image is refused from its header, before the browser decodes it, with
the server's own message: on the public request form and on the offline page (issue 16, item 1). The visit
form and the offline page shrink photos with one module (static/js/shrink.js), the same way."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.browser import sign_in, wait_until_ready_for_offline
from tests.e2e.households import member_households

pytestmark = pytest.mark.e2e
SCREENS = Path("/work/notes/screens/h16-photos")
MESSAGE = "This image is too large (20000x20000 pixels)."


def huge_jpeg(side: int = 20000) -> bytes:
    """A small JPEG whose frame header says side x side: what a browser would try to decode."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(out, "JPEG", exif=Image.Exif().tobytes())
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = side.to_bytes(2, "big") + side.to_bytes(2, "big")
    return bytes(data)


def _shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"))


def test_memory_public_form_refuses_a_huge_image_before_decoding(page) -> None:
    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.url) if "/upload/" in r.url else None)
    page.goto("/public/request")
    page.get_by_text("No account is needed").wait_for()
    # Counts full-size decodes: a refused image must never reach createImageBitmap.
    page.evaluate("""() => { window.decodes = 0; const real = window.createImageBitmap;
        window.createImageBitmap = (...a) => { window.decodes += 1; return real(...a); }; }""")
    page.locator("label", has_text="Add a photo").locator("input[type=file]").set_input_files(
        [{"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": huge_jpeg()}])
    page.get_by_text(MESSAGE).wait_for()
    page.get_by_text("Photo (optional)").scroll_into_view_if_needed()
    _shot(page, "public-form-huge-image-refused")
    assert page.evaluate("window.decodes") == 0
    assert uploads == []


def test_memory_offline_page_refuses_a_huge_image_before_decoding(context, page, live_server) -> None:
    household = member_households(live_server, "member1")[0]
    sign_in(page, "member1")
    wait_until_ready_for_offline(page)
    page.goto("/offline")
    page.locator("body[data-ready=true]").wait_for()
    assert page.evaluate("document.querySelector('meta[name=doorstep-max-pixels]').content") == "40000000"
    # The visit's texts stop where the server would refuse them, as on the online form.
    assert page.evaluate("['notes', 'needs', 'help'].map((id) => document.getElementById(id).maxLength)") == [4000] * 3
    page.evaluate("""() => { window.decodes = 0; const real = window.createImageBitmap;
        window.createImageBitmap = (...a) => { window.decodes += 1; return real(...a); }; }""")
    page.get_by_test_id(f"log-{household.id}").click()
    page.locator("#form-card").wait_for()
    page.locator("#photo-input").set_input_files([{"name": "huge.jpg", "mimeType": "image/jpeg",
                                                   "buffer": huge_jpeg()}])
    page.locator("#form-error").filter(has_text=MESSAGE).wait_for()
    page.locator("#form-error").scroll_into_view_if_needed()
    _shot(page, "offline-huge-image-refused")
    assert page.evaluate("window.decodes") == 0
    assert page.locator("#thumbs img").count() == 0


SHRINK = """async ([data, name, type]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const out = await DoorstepShrink.shrink(new File([bytes], name, { type }));
  if (!out) return null;
  if (out.type !== "image/jpeg") return { name: out.name, type: out.type, size: out.size };
  const seen = await createImageBitmap(out, { imageOrientation: "none" });  // as stored, EXIF or not
  const head = new Uint8Array(await out.slice(0, 4096).arrayBuffer());
  return { name: out.name, type: out.type, width: seen.width, height: seen.height,
           exif: Array.from(head).map((c) => String.fromCharCode(c)).join("").includes("Exif") };
}"""


def sideways_photo() -> str:
    """A 2400x1800 camera JPEG stored sideways (EXIF orientation 6), base64 for the page."""
    im = Image.linear_gradient("L").resize((2400, 1800)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=exif)
    return base64.b64encode(out.getvalue()).decode()


def shrink_results(page) -> list:
    photo = sideways_photo()
    odd = base64.b64encode(b"ftypheic" + bytes(200)).decode()  # not decodable here; the server converts HEIC
    return [page.evaluate(SHRINK, [photo, "IMG_0042.JPG", "image/jpeg"]),
            page.evaluate(SHRINK, [photo, "IMG_0043", ""]),  # some pickers give no type
            page.evaluate(SHRINK, [odd, "IMG_0044.HEIC", ""]),
            page.evaluate(SHRINK, [odd, "notes.txt", "text/plain"])]


def test_the_visit_form_and_the_offline_page_shrink_photos_alike(page, live_server) -> None:
    household = member_households(live_server, "member1")[0]
    sign_in(page, "member1")
    page.goto(f"/households/{household.id}/visit")
    page.get_by_text("The resident agrees to photos being taken and kept").wait_for()
    page.wait_for_function("typeof DoorstepShrink === 'object' && typeof doorstepSendPhotos === 'function'")
    on_the_form = shrink_results(page)
    page.goto("/offline")
    page.locator("body[data-ready=true]").wait_for()
    assert on_the_form == shrink_results(page) == [
        # upright, long side 1600 px, metadata gone
        {"name": "IMG_0042.jpg", "type": "image/jpeg", "width": 1200, "height": 1600, "exif": False},
        {"name": "IMG_0043.jpg", "type": "image/jpeg", "width": 1200, "height": 1600, "exif": False},
        {"name": "IMG_0044.HEIC", "type": "", "size": 208},  # sent as it is
        None,  # not a photo
    ]
