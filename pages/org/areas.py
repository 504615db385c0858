"""The area tree: see the areas one manages with their accounts and households, add areas below them."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from sqlmodel import Session

from core.i18n import _
from models import Area, Role, User
from pages.actions import load, page_user, perform
from pages.frame import frame
from pages.messages import error_text, notify_ok
from services.org.areas import AREA_KINDS, AreaCounts, add_area, area_counts, area_label, areas_visible_to
from services.policy import MANAGERS

TOP_LEVEL = 0  # select value standing for "no parent"; area ids start at 1


def area_tree_view(session: Session, actor: User) -> tuple[list[Area], dict[int, AreaCounts]]:
    return areas_visible_to(session, actor), area_counts(session, actor)


@ui.page("/admin/areas")
async def areas_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Areas"), user):

        @ui.refreshable
        async def area_tree() -> None:
            actor = await page_user(MANAGERS)
            if actor is None:
                return
            areas, counts = await load(area_tree_view, actor)
            with ui.card().classes("ds-card").props("flat bordered"):
                if not areas:
                    ui.label(_("No areas yet."))
                base = min((depth(area) for area in areas), default=0)
                for area in areas:
                    area_row(area, depth(area) - base, counts.get(area.id or 0, AreaCounts()))

        await area_tree()
        await add_area_form(user, area_tree.refresh)


def depth(area: Area) -> int:
    return area.path.strip("/").count("/")


def area_row(area: Area, level: int, counts: AreaCounts) -> None:
    with ui.row().classes("w-full items-center no-wrap gap-2 py-1").style(
            f"padding-left: {level * 1.5}rem").mark(f"area-{area.id}"):
        ui.icon("subdirectory_arrow_right" if level else "account_tree").classes("text-gray-500")
        ui.label(area.name).classes("font-medium")
        ui.badge(_(AREA_KINDS.get(area.kind, area.kind)), color="secondary").props("outline")
        ui.label(_("{users} accounts · {households} households").format(
            users=counts.users, households=counts.households)).classes("text-sm text-gray-600")


def area_labels(session: Session, user: User) -> dict[int, str]:
    return {area.id: area_label(session, area.id) for area in areas_visible_to(session, user) if area.id}


async def parent_options(user: User) -> dict[int, str]:
    options = await load(area_labels, user)
    return {TOP_LEVEL: _("(top level)"), **options} if user.role == Role.admin else options


async def add_area_form(user: User, changed: Callable[[], object]) -> None:
    async def submit() -> None:
        error.set_text("")
        added = await perform(add_area, name.value or "", kind.value or "", parent.value or None, roles=MANAGERS,
                              on_error=lambda exc: error.set_text(error_text(exc)))
        if not added:
            return
        notify_ok(_("Area {name} added.").format(name=added.value.name))
        name.set_value("")
        parent.set_options(await parent_options(user), value=parent.value)
        await changed()

    options = await parent_options(user)
    with ui.card().classes("ds-card"):
        ui.label(_("Add an area")).classes("text-lg font-medium")
        parent = ui.select(options, label=_("Inside"), value=user.area_id if user.area_id in options else None).props(
            "outlined").classes("w-full").mark("area-parent")
        name = ui.input(_("Name of the new area")).props("outlined").classes("w-full").mark("area-name")
        kind = ui.select({key: _(label) for key, label in AREA_KINDS.items()}, label=_("Kind"),
                         value="community").props("outlined").classes("w-full").mark("area-kind")
        error = ui.label().classes("text-negative").mark("area-error")
        ui.button(_("Add area"), icon="add", on_click=submit).mark("add-area")
