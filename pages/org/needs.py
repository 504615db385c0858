"""The editable list of needs a household can have."""

from __future__ import annotations

from nicegui import ui

from core.i18n import _
from pages.actions import load, page_user, perform
from pages.frame import frame
from services.households.records import add_need_category, need_categories, set_need_category_active
from services.policy import MANAGERS


@ui.page("/admin/needs")
async def needs_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Needs"), user):
        ui.label(_("Needs that are switched off are no longer offered; households keep them.")).classes(
            "text-sm text-gray-600")

        @ui.refreshable
        async def need_list() -> None:
            categories = await load(need_categories, active_only=False)
            with ui.card().classes("ds-card"):
                for category in categories:
                    with ui.row().classes("w-full items-center justify-between no-wrap"):
                        ui.label(f"{category.name_zh} · {category.name_en}")
                        switch = ui.switch(value=category.active, on_change=lambda e, c=category.id: toggle(c, e.value))
                        switch.mark(f"need-active-{category.id}")

        async def toggle(category_id: int, active: bool) -> None:
            if not await perform(set_need_category_active, category_id, active, roles=MANAGERS):
                need_list.refresh()

        async def add() -> None:
            if await perform(add_need_category, name_en.value or "", name_zh.value or "", roles=MANAGERS,
                             done=_("Added."), refresh=need_list.refresh):
                name_en.value = name_zh.value = ""

        await need_list()
        with ui.card().classes("ds-card"):
            ui.label(_("Add a need")).classes("font-medium")
            name_zh = ui.input(_("Name in Chinese")).classes("w-full").mark("need-name-zh")
            name_en = ui.input(_("Name in English")).classes("w-full").mark("need-name-en")
            ui.button(_("Add"), icon="add", on_click=add).mark("add-need")
