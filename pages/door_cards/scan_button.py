"""The visit form's "Scan door card": camera in the page (static/js/door-card.js), check on the server."""

from __future__ import annotations

import json

from nicegui import background_tasks, ui

from core.i18n import _
from models import Household, User
from pages.actions import in_worker, load, page_user
from pages.assets import asset_url
from pages.messages import error_text
from services.door_cards.areas import household_uses_door_cards
from services.door_cards.scans import confirm_scan
from services.errors import ServiceError
from services.policy import VISITORS

SCAN_TIMEOUT_S = 60


def accepted_text() -> str:
    return _("Door card of this household: the visit will be saved as verified by door card.")


class DoorCardScan:
    """Shown only where the household's area uses door cards; ``code`` is a scan the server accepted."""

    def __init__(self, household: Household) -> None:
        self.household = household
        self.code: str | None = None
        # In the page's head from the start: a script added after the page is built would not run.
        ui.add_head_html(f'<script src="{asset_url("js/door-card.js")}" '
                         f'data-jsqr="{asset_url("vendor/jsqr/jsQR.js")}"></script>')
        self.slot = ui.column().classes("w-full gap-1")
        background_tasks.create(self.build(), name="door card control")

    async def build(self) -> None:
        uses_cards = await load(household_uses_door_cards, self.household)
        self.slot.mark("door-card-checked")  # the page knows now whether to offer a scan
        if not uses_cards:
            return
        with self.slot:
            self.button = ui.button(_("Scan door card"), icon="qr_code_scanner", on_click=self.scan).props(
                "outline").style("min-height: 44px").mark("scan-door-card")
            self.status = ui.label().classes("text-sm").mark("door-card-status")
            self.view = ui.element("div").classes("w-full")

    async def scan(self) -> None:
        actor = await page_user(VISITORS)
        if actor is None:
            return
        self.button.disable()
        self.status.set_text(_("Hold the door card in front of the camera."))
        self.status.classes(remove="text-negative text-positive")
        js = (f"return await window.DoorCard.scan(document.getElementById('c{self.view.id}'), "
              f"{json.dumps(_('Cancel'))}, {SCAN_TIMEOUT_S * 1000});")
        try:
            result = await ui.run_javascript(js, timeout=SCAN_TIMEOUT_S + 10)
        except TimeoutError:
            result = {"error": "timeout"}
        finally:
            self.button.enable()
        await self.show(actor, result if isinstance(result, dict) else {"error": "unsupported"})

    async def show(self, actor: User, result: dict) -> None:
        if not result.get("code"):
            if result.get("error") == "cancelled":
                self.status.set_text(accepted_text() if self.code else "")  # an earlier good scan still holds
                self.status.classes(add="text-positive" if self.code else "")
                return
            self.code = None  # a new scan replaces the earlier one unless it was cancelled
            messages = {"denied": _("The camera is not allowed. Allow it in the browser's settings and try again."),
                        "unsupported": _("This phone cannot scan codes with its camera.")}
            self.status.set_text(messages.get(result.get("error", ""), _("No door card was read. Try again.")))
            return
        try:
            # confirm_scan keeps its own session: a refused scan is audited even though the check only reads.
            await in_worker(confirm_scan, actor, self.household.id, str(result["code"]))
        except ServiceError as exc:
            self.code = None
            self.status.set_text(error_text(exc))
            self.status.classes(add="text-negative", remove="text-positive")
            return
        self.code = str(result["code"])
        self.status.set_text(accepted_text())
        self.status.classes(add="text-positive", remove="text-negative")
