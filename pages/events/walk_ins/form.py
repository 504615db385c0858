"""The roster's "Add a walk-in" form: phone number (and a name for someone new), then confirmed and present."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import run, ui

from core.db import session_scope
from core.i18n import _
from pages.messages import notify_error, notify_ok
from pages.session import require_user
from services.errors import ServiceError
from services.events.catalogue import get_managed_event, roles_of
from services.events.walk_ins.roster import WalkIn, add_walk_in
from services.policy import MANAGERS


def _role_options(event_id: int) -> dict[int, str]:
    actor = require_user(*MANAGERS)
    if actor is None:
        return {}
    with session_scope(read_only=True) as session:
        get_managed_event(session, actor, event_id)
        return {r.id: r.name for r in roles_of(session, event_id) if r.id is not None}


def walk_in_card(event_id: int, on_added: Callable[[], None]) -> None:
    """A collapsed card on the roster; the person is found by phone or created as a volunteer."""
    roles = _role_options(event_id)
    with ui.expansion(_("Add a walk-in"), icon="person_add").classes("ds-card bg-white rounded").mark("walk-in"):
        phone = ui.input(_("Phone number")).props("outlined inputmode=tel").classes("w-full").mark("walk-in-phone")
        name = ui.input(_("Name (only for someone new)")).props("outlined").classes("w-full").mark("walk-in-name")
        role = ui.select(roles, label=_("Role")).props("outlined").classes("w-full").mark("walk-in-role") \
            if roles else None

        async def add() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return

            def store() -> WalkIn:
                with session_scope() as session:
                    return add_walk_in(session, actor, event_id, phone.value or "", name.value or "",
                                       role.value if role else None)

            try:
                added = await run.io_bound(store)
            except ServiceError as exc:
                notify_error(exc)  # what was typed stays in the form
                return
            if added.created:
                notify_ok(_("{name} was added as a new volunteer and checked in.").format(name=added.person.name))
            else:
                notify_ok(_("{name} is checked in.").format(name=added.person.name))
            phone.value, name.value = "", ""
            on_added()

        ui.button(_("Add and check in"), icon="how_to_reg", on_click=add).classes("w-full").mark("walk-in-add")
