"""Which areas use door cards: one switch per area, holding for the areas below it."""

from __future__ import annotations

from nicegui import run, ui

from core.db import session_scope
from core.i18n import _
from models import Area, User
from pages.frame import frame
from pages.messages import notify_error, notify_ok
from pages.session import require_user
from services.door_cards.areas import door_card_areas, set_area_door_cards
from services.errors import ServiceError
from services.policy import MANAGERS


def _areas(actor: User) -> list[tuple[Area, bool]]:
    with session_scope(read_only=True) as session:
        return door_card_areas(session, actor)


def _set(actor: User, area_id: int, enabled: bool) -> None:
    with session_scope() as session:
        set_area_door_cards(session, actor, area_id, enabled)


@ui.page("/door-cards")
async def door_card_areas_page() -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with frame(_("Door cards"), user):
        ui.label(_("Where GPS is poor (high-rise buildings), a card at each household's door is the proof of a "
                   "visit: members scan it. Turn door cards on for an area; the areas below it use them too. "
                   "Print each household's card from its page.")).classes("ds-card text-sm text-gray-600")
        body = ui.card().classes("ds-card")

    async def show() -> None:
        try:
            rows = await run.io_bound(_areas, user)
        except ServiceError as exc:
            notify_error(exc)
            return
        if rows is None:  # the app is stopping
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
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        try:
            await run.io_bound(_set, actor, area_id, enabled)
        except ServiceError as exc:
            notify_error(exc)
            return
        notify_ok(_("Door cards are on for this area.") if enabled else _("Door cards are off for this area."))
        await show()

    await show()
