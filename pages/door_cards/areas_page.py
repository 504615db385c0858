"""Which areas use door cards: one switch per area, holding for the areas below it."""

from __future__ import annotations

from nicegui import ui

from core.i18n import _
from pages.actions import load, page_user, perform
from pages.frame import frame
from pages.messages import notify_error
from services.door_cards.areas import door_card_areas, set_area_door_cards
from services.errors import ServiceError
from services.policy import MANAGERS


@ui.page("/door-cards")
async def door_card_areas_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Door cards"), user):
        ui.label(_("Where GPS is poor (high-rise buildings), a card at each household's door is the proof of a "
                   "visit: members scan it. Turn door cards on for an area; the areas below it use them too. "
                   "Print each household's card from its page.")).classes("ds-card text-sm text-gray-600")
        body = ui.card().classes("ds-card")

    async def show() -> None:
        actor = await page_user(MANAGERS)
        if actor is None:
            return
        try:
            rows = await load(door_card_areas, actor)
        except ServiceError as exc:
            notify_error(exc)
            return
        body.clear()
        with body:
            for area, in_use in rows:
                depth = max(area.path.count("/") - 2, 0)
                with ui.row().classes("w-full items-center justify-between no-wrap").style(
                        f"padding-left: {depth * 12}px"):
                    with ui.column().classes("gap-0"):
                        ui.label(area.name)
                        if in_use and not area.door_cards:
                            ui.label(_("In use through an area above")).classes("text-xs text-gray-600")
                    ui.switch(value=area.door_cards, on_change=lambda e, a=area.id: toggle(a, e.value)).mark(
                        f"door-cards-area-{area.id}")

    async def toggle(area_id: int, enabled: bool) -> None:
        if not await perform(set_area_door_cards, area_id, enabled, roles=MANAGERS, refresh=show,
                             done=_("Door cards are on for this area.") if enabled
                             else _("Door cards are off for this area.")):
            await show()  # the switch goes back to what is stored

    await show()
