"""Adding photos from a phone: camera or gallery buttons, in-browser shrinking, server-side
processing and previews with a remove button. Used by the visit form and the public request form.

The upload element is only a receiving endpoint (hidden with CSS: a hidden NiceGUI uploader
answers 403); the buttons are plain file inputs whose files static/js/photos.js posts, shrunk by
static/js/shrink.js (the offline page's shrinking too).
"""

from __future__ import annotations

import base64
import inspect
import math
from collections.abc import Awaitable, Callable

from nicegui import events, ui

from core.config import get_settings
from core.i18n import N_, _
from pages.actions import in_worker
from pages.assets import asset_url
from pages.messages import notify_error
from services.errors import InvalidInput, ServiceError, Throttled
from services.photos.pipeline import MSG_TOO_MANY_PIXELS, ProcessedPhoto
from services.rate_limits.counting import PUBLIC_UPLOADS_PER_PAGE
from services.visits.records import prepare_photo

CAMERA = (N_("Take photo"), "photo_camera", "capture=environment")
GALLERY = (N_("From gallery"), "photo_library", "")
ADD_PHOTO = (N_("Add a photo"), "photo_camera", "")
BUTTON_CLASSES = ("q-btn q-btn--outline q-btn--rectangle q-btn--actionable q-focusable q-hoverable "
                  "q-btn--no-uppercase px-3 py-2 cursor-pointer text-primary rounded-md items-center gap-1 flex "
                  "flex-row no-wrap")


class PhotoPicker:
    """Holds the processed photos until the form is saved (they live as long as the page)."""

    def __init__(self, max_photos: int, too_many: str, marker: str,
                 buttons: tuple[tuple[str, str, str], ...] = (CAMERA, GALLERY),
                 allowed: Callable[[], bool | Awaitable[bool]] = lambda: True,
                 on_change: Callable[[int], None] | None = None) -> None:
        self.max_photos, self.too_many, self.allowed = max_photos, too_many, allowed
        self.on_change = on_change  # told the number of photos held, after each add or remove
        self.photos: list[ProcessedPhoto] = []
        self.uploader = ui.upload(on_upload=self.receive, multiple=True, auto_upload=True).classes(
            "ds-hidden-upload").mark(marker)
        url = self.uploader.props["url"]
        max_pixels = int(get_settings().max_image_pixels)
        with ui.row().classes("gap-2") as self.buttons:
            for label, icon, capture in buttons:
                with ui.element("label").classes(BUTTON_CLASSES):
                    ui.icon(icon)
                    ui.label(_(label))
                    ui.element("input").props(f'type=file accept="image/*" {capture} multiple').classes(
                        "hidden").on("change", js_handler=f'(e) => doorstepSendPhotos(e.target, "{url}", {max_pixels})')
        self.preview = ui.row().classes("gap-2")
        ui.add_body_html(f'<script src="{asset_url("js/image-size.js")}"></script>'
                         f'<script src="{asset_url("js/shrink.js")}"></script>'
                         f'<script src="{asset_url("js/photos.js")}"></script>')
        ui.on("photo_upload_failed", self.upload_failed)
        ui.on("photo_too_large", lambda e: notify_error(InvalidInput(
            MSG_TOO_MANY_PIXELS, w=int(e.args.get("width", 0)), h=int(e.args.get("height", 0)))))

    @staticmethod
    def upload_failed(e: events.GenericEventArguments) -> None:
        if e.args.get("status") == 429:  # the per-address or per-page limit on photos (api/rate_limits.py)
            minutes = max(1, math.ceil(float(e.args.get("retry_after") or 60) / 60))
            notify_error(Throttled(PUBLIC_UPLOADS_PER_PAGE.message, minutes=minutes))
            return
        ui.notify(_("A photo could not be sent ({name}). Check the connection and add it again.").format(
            name=e.args.get("name", "")), type="warning")

    async def receive(self, e: events.UploadEventArguments) -> None:
        allowed = self.allowed()  # e.g. the page's user, read again: an account closed meanwhile adds nothing
        if inspect.isawaitable(allowed):
            allowed = await allowed
        if not allowed:
            return
        if len(self.photos) >= self.max_photos:
            notify_error(InvalidInput(self.too_many, n=self.max_photos))
            return
        processed = await shrink_upload(e)
        if processed is None:
            return
        if all(p.sha256 != processed.sha256 for p in self.photos):
            self.photos.append(processed)
        self.show()

    def show(self) -> None:
        if self.on_change is not None:
            self.on_change(len(self.photos))
        self.preview.clear()
        with self.preview:
            for photo in list(self.photos):
                with ui.element("div").classes("relative"):
                    src = "data:image/jpeg;base64," + base64.b64encode(photo.thumb).decode()
                    ui.image(src).classes("w-24 h-24 rounded").props("fit=cover")
                    ui.button(icon="close", on_click=lambda p=photo: self.remove(p)).props(
                        "round dense size=xs color=negative").classes("absolute top-0 right-0")

    def remove(self, photo: ProcessedPhoto) -> None:
        self.photos.remove(photo)
        self.show()


async def shrink_upload(e: events.UploadEventArguments) -> ProcessedPhoto | None:
    """One uploaded photo checked and shrunk off the event loop; None (and the reason shown) if refused."""
    limit = get_settings().max_upload_bytes
    if e.file.size() > limit:  # the browser's max_file_size is not a limit
        notify_error(InvalidInput(N_("The photo is larger than {mb} MB."), mb=limit // 2**20))
        return None
    try:
        return await in_worker(prepare_photo, await e.file.read())
    except ServiceError as exc:
        notify_error(exc)
        return None
