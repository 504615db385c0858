"""The roster's "Add a walk-in" form: phone number (and a name for someone new), then confirmed and present."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from core.i18n import _
from pages.actions import perform
from pages.messages import notify_ok
from services.events.walk_ins.roster import add_walk_in
from services.policy import MANAGERS


def walk_in_card(event_id: int, roles: dict[int, str], on_added: Callable[[], Awaitable[None]]) -> None:
    """A collapsed card on the roster; the person is found by phone or created as a volunteer.

    ``roles`` are the event's roles to choose from (none: no choice), read with the roster.
    """
    with ui.expansion(_("Add a walk-in"), icon="person_add").classes("ds-card bg-white rounded").mark("walk-in"):
        phone = ui.input(_("Phone number")).props("outlined inputmode=tel").classes("w-full").mark("walk-in-phone")
        name = ui.input(_("Name (only for someone new)")).props("outlined").classes("w-full").mark("walk-in-name")
        role = ui.select(roles, label=_("Role")).props("outlined").classes("w-full").mark("walk-in-role") \
            if roles else None

        async def add() -> None:
            # A refusal shows its reason and what was typed stays in the form.
            added = await perform(add_walk_in, event_id, phone.value or "", name.value or "",
                                  role.value if role else None, roles=MANAGERS)
            if not added or added.value is None:
                return
            if added.value.created:
                notify_ok(_("{name} was added as a new volunteer and checked in.").format(name=added.value.person.name))
            else:
                notify_ok(_("{name} is checked in.").format(name=added.value.person.name))
            phone.value, name.value = "", ""
            await on_added()

        ui.button(_("Add and check in"), icon="how_to_reg", on_click=add).classes("w-full").mark("walk-in-add")
