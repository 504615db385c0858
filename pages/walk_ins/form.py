"""The roster's "Add a walk-in" form: phone number (and a name for someone new), then confirmed and present."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from core.i18n import _
from pages.actions import perform
from pages.messages import notify_ok
from services.policy import MANAGERS
from services.walk_ins.roster import add_walk_in


def walk_in_card(event_id: int, on_added: Callable[[], None], roles: dict[int, str]) -> None:
    """A collapsed card on the roster; the person is found by phone or created as a volunteer.

    ``roles``: the event's roles by id (services.walk_ins.roster.walk_in_roles), loaded with the page.
    """
    with ui.expansion(_("Add a walk-in"), icon="person_add").classes("ds-card bg-white rounded").mark("walk-in"):
        phone = ui.input(_("Phone number")).props("outlined inputmode=tel").classes("w-full").mark("walk-in-phone")
        name = ui.input(_("Name (only for someone new)")).props("outlined").classes("w-full").mark("walk-in-name")
        role = ui.select(roles, label=_("Role")).props("outlined").classes("w-full").mark("walk-in-role") \
            if roles else None

        async def add() -> None:
            # A refusal is shown as a notification; what was typed stays in the form.
            added = await perform(add_walk_in, event_id, phone.value or "", name.value or "",
                                  role.value if role else None, roles=MANAGERS)
            if not added or added.value is None:
                return
            person = added.value.person
            if added.value.created:
                notify_ok(_("{name} was added as a new volunteer and checked in.").format(name=person.name))
            else:
                notify_ok(_("{name} is checked in.").format(name=person.name))
            phone.value, name.value = "", ""
            on_added()

        ui.button(_("Add and check in"), icon="how_to_reg", on_click=add).classes("w-full").mark("walk-in-add")
