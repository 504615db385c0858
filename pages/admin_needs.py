"""The editable list of needs a household can have."""

from __future__ import annotations

from nicegui import ui

from core.db import session_scope
from core.i18n import _
from models import Role
from pages.frame import frame
from pages.messages import notify_error, notify_ok
from pages.session import require_user
from services.errors import ServiceError
from services.households import add_need_category, need_categories, set_need_category_active

MANAGERS = (Role.coordinator, Role.admin)


@ui.page("/admin/needs")
def needs_page() -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with frame(_("Needs"), user):
        ui.label(_("Needs that are switched off are no longer offered; households keep them.")).classes(
            "text-sm text-gray-600")

        @ui.refreshable
        def need_list() -> None:
            with session_scope() as session:
                categories = need_categories(session, active_only=False)
            with ui.card().classes("ds-card"):
                for category in categories:
                    with ui.row().classes("w-full items-center justify-between no-wrap"):
                        ui.label(f"{category.name_zh} · {category.name_en}")
                        switch = ui.switch(value=category.active, on_change=lambda e, c=category.id: toggle(c, e.value))
                        switch.mark(f"need-active-{category.id}")

        def toggle(category_id: int, active: bool) -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            try:
                with session_scope() as session:
                    set_need_category_active(session, actor, category_id, active)
            except ServiceError as exc:
                notify_error(exc)
                need_list.refresh()

        def add() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            try:
                with session_scope() as session:
                    add_need_category(session, actor, name_en.value or "", name_zh.value or "")
            except ServiceError as exc:
                notify_error(exc)
                return
            name_en.value = name_zh.value = ""
            notify_ok(_("Added."))
            need_list.refresh()

        need_list()
        with ui.card().classes("ds-card"):
            ui.label(_("Add a need")).classes("font-medium")
            name_zh = ui.input(_("Name in Chinese")).classes("w-full").mark("need-name-zh")
            name_en = ui.input(_("Name in English")).classes("w-full").mark("need-name-en")
            ui.button(_("Add"), icon="add", on_click=add).mark("add-need")
