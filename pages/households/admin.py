"""Coordinator pages for households: the list, geocoding, and the new/edit form with pairings."""

from __future__ import annotations

from urllib.parse import urlencode

from nicegui import run, ui

import pages.households.import_page  # noqa: F401  # registers /admin/households/import before /{household_id}
from core.config import get_settings
from core.db import session_scope
from core.i18n import _, current_language
from models import Household, User
from pages.frame import frame, not_found_message
from pages.households.form import HouseholdEditor
from pages.messages import notify_error, notify_ok
from pages.session import require_user
from services.errors import NotFound, ServiceError
from services.households.records import (
    HouseholdRow,
    active_pairings,
    create_household,
    end_pairing,
    get_household,
    household_need_ids,
    members_for_pairing,
    need_categories,
    pair_member,
    update_household,
)
from services.map.geocoding import GeocodeReport, geocode_pending, get_geocoder, unresolved_households
from services.org.areas import area_label, areas_visible_to
from services.paging.cursor import Page
from services.paging.households import count_households, household_page
from services.policy import MANAGERS


def _geocode_now(actor: User) -> GeocodeReport:
    with session_scope() as session:
        return geocode_pending(session, actor, get_geocoder())


def geocode_message(report: GeocodeReport) -> str:
    parts = []
    if report.placed or report.unresolved:
        parts.append(_("{placed} placed on the map, {unresolved} could not be found.").format(
            placed=report.placed, unresolved=report.unresolved))
    if report.unavailable:
        parts.append(_("Geocoding is unavailable right now; the households stay in the list for later."))
    elif report.remaining:
        parts.append(_("{n} addresses are still waiting; run it again.").format(n=report.remaining))
    return " ".join(parts) or _("No addresses are waiting to be placed.")


def _list_page(actor: User, search: str, area_id: int | None, overdue_only: bool, after: str | None,
               lang: str) -> tuple[Page[HouseholdRow], int]:
    settings = get_settings()
    with session_scope(read_only=True) as session:
        page = household_page(session, actor, search, area_id, overdue_only, after, settings.list_page_size,
                              settings.visit_interval_days, lang=lang)
        return page, count_households(session, actor, search, area_id, overdue_only, settings.visit_interval_days)


@ui.page("/admin/households")
async def households_page(overdue: bool = False, q: str = "", area_id: int = 0, after: str = "",
                          page: int = 1) -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with session_scope() as session:
        areas = [(a.id, area_label(session, a.id)) for a in areas_visible_to(session, user)]
    with frame(_("Households"), user):
        with ui.row().classes("gap-2"):
            ui.button(_("New household"), icon="add",
                      on_click=lambda: ui.navigate.to("/admin/households/new")).mark("new-household")
            ui.button(_("Import"), icon="upload_file",
                      on_click=lambda: ui.navigate.to("/admin/households/import")).mark("import")
            geocode_button = ui.button(_("Geocode addresses"), icon="travel_explore").mark("geocode")
        geocode_result = ui.label("").classes("text-sm").mark("geocode-result")
        with ui.row().classes("w-full items-center gap-2"):
            search = ui.input(placeholder=_("Search by name or address"), value=q).props(
                "outlined dense clearable debounce=300").classes("grow").mark("household-search")
            area = ui.select({0: _("All areas"), **dict(areas)}, value=area_id if area_id in dict(areas) else 0,
                             label=_("Area")).props(
                "dense outlined").classes("min-w-48").mark("area-filter")
            overdue_only = ui.switch(_("Overdue only"), value=overdue).mark("overdue-only")

        # The filters and the page position live in the URL: a reload or a shared link shows the same page.
        position = {"after": after, "page": max(1, page)}

        def filters_query() -> dict[str, str]:
            return {k: v for k, v in {"q": search.value or "", "area_id": str(area.value or ""),
                                      "overdue": "1" if overdue_only.value else ""}.items() if v}

        def first_page() -> None:
            position.update(after="", page=1)
            query = urlencode(filters_query())
            ui.navigate.history.replace("/admin/households" + (f"?{query}" if query else ""))
            household_list.refresh()

        @ui.refreshable
        async def household_list() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            shown, total = await run.io_bound(_list_page, actor, search.value or "", area.value or None,
                                              bool(overdue_only.value), position["after"] or None,
                                              current_language())
            ui.label(_("{n} households · page {page}").format(n=total, page=position["page"])).classes(
                "text-sm text-gray-500").mark("household-count")
            for row in shown.rows:
                household_card(row.household, row.days_since_visit, row.overdue, row.needs, row.due_soon)
            with ui.row().classes("w-full justify-between items-center").mark("pager"):
                if position["page"] > 1:
                    ui.link(_("Back to the first page"), "/admin/households?" + urlencode(filters_query())).classes(
                        "text-primary p-3").mark("page-first")
                if shown.next_after:
                    query = urlencode({**filters_query(), "after": shown.next_after, "page": position["page"] + 1})
                    ui.link(_("Next page"), f"/admin/households?{query}").classes(
                        "text-primary font-medium p-3").mark("page-next")

        @ui.refreshable
        def unresolved_list() -> None:
            with session_scope() as session:
                unresolved = unresolved_households(session, user)
            if not unresolved:
                return
            ui.label(_("Addresses that need a pin dropped by hand")).classes("text-lg font-medium")
            for household in unresolved:
                with ui.link(target=f"/admin/households/{household.id}").classes("no-underline text-inherit w-full"):
                    with ui.row().classes("items-center gap-2").mark(f"unresolved-{household.id}"):
                        ui.icon("wrong_location", color="negative")
                        ui.label(f"{household.head_name} · {household.address}")

        async def geocode() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            geocode_button.disable()
            geocode_result.text = _("Looking up addresses…")
            try:
                report = await run.io_bound(_geocode_now, actor)
            except ServiceError as exc:
                notify_error(exc)
                geocode_result.text = ""
                return
            finally:
                geocode_button.enable()
            geocode_result.text = geocode_message(report)
            household_list.refresh()
            unresolved_list.refresh()

        geocode_button.on_click(geocode)
        for element in (search, area, overdue_only):
            element.on_value_change(first_page)
        unresolved_list()
        await household_list()


def household_card(household: Household, days: int | None, overdue: bool, needs: list[str],
                   due_soon: bool = False) -> None:
    with ui.link(target=f"/admin/households/{household.id}").classes("no-underline text-inherit w-full"):
        with ui.card().classes("w-full").props("flat bordered").mark(f"household-{household.id}"):
            with ui.row().classes("w-full items-center justify-between no-wrap"):
                ui.label(household.head_name).classes("text-lg font-medium")
                if days is None:
                    ui.badge(_("Never visited"), color="negative")
                else:
                    text = _("Due soon · {days} days since last visit") if due_soon else _(
                        "{days} days since last visit")
                    ui.badge(text.format(days=days), color="negative" if overdue else "orange-9" if due_soon
                             else "positive")
            ui.label(household.address).classes("text-gray-600 text-sm")
            with ui.row().classes("gap-2 items-center"):
                if needs:
                    ui.label(" · ".join(needs)).classes("text-sm text-primary")
                if household.lat is None:
                    ui.badge(_("No location yet") if household.geocode_status == "pending" else _("Needs a pin"),
                             color="warning")


@ui.page("/admin/households/new")
def new_household_page() -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with frame(_("New household"), user):
        household_editor_card(user, None)


@ui.page("/admin/households/{household_id}")
def edit_household_page(household_id: int) -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with frame(_("Household"), user):
        try:
            with session_scope() as session:
                household = get_household(session, user, household_id)  # an audited read
        except NotFound:
            not_found_message()
            return
        household_editor_card(user, household)
        pairing_card(user, household_id)


def household_editor_card(user: User, household: Household | None) -> None:
    with session_scope() as session:
        areas = [(a, area_label(session, a.id)) for a in areas_visible_to(session, user)]
        needs = need_categories(session)
        need_ids = household_need_ids(session, household.id) if household and household.id else []
    with ui.card().classes("ds-card"):
        editor = HouseholdEditor(areas, needs, household, need_ids)

        async def save() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            try:
                with session_scope() as session:
                    if household is None:
                        saved_id = create_household(session, actor, editor.form()).id
                    else:
                        saved_id = update_household(session, actor, household.id, editor.form()).id  # type: ignore[arg-type]
            except ServiceError as exc:
                editor.show_error(exc)
                return
            editor.clear_errors()
            notify_ok(_("Saved."))
            if household is None:
                ui.navigate.to(f"/admin/households/{saved_id}")

        with ui.row().classes("gap-2"):
            ui.button(_("Save"), icon="save", on_click=save).mark("save")
            ui.button(_("Back to the list"), on_click=lambda: ui.navigate.to("/admin/households")).props("flat")


def pairing_card(user: User, household_id: int) -> None:
    with ui.card().classes("ds-card"):
        ui.label(_("Paired members")).classes("text-lg font-medium")

        @ui.refreshable
        def pairings() -> None:
            with session_scope() as session:
                current = active_pairings(session, user, household_id)
            if not current:
                ui.label(_("No member is paired with this household yet.")).classes("text-gray-600")
            for pairing, member in current:
                with ui.row().classes("w-full items-center justify-between").mark(f"pairing-{pairing.id}"):
                    ui.label(member.name)
                    ui.button(_("End pairing"), on_click=lambda p=pairing.id: end(p)).props(
                        "flat dense color=negative").mark(f"end-pairing-{pairing.id}")

        def end(pairing_id: int) -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            try:
                with session_scope() as session:
                    end_pairing(session, actor, pairing_id)
            except ServiceError as exc:
                notify_error(exc)
                return
            pairings.refresh()

        def pair() -> None:
            actor = require_user(*MANAGERS)
            if actor is None or member.value is None:
                return
            try:
                with session_scope() as session:
                    pair_member(session, actor, household_id, int(member.value))
            except ServiceError as exc:
                notify_error(exc)
                return
            notify_ok(_("Paired."))
            member.value = None
            pairings.refresh()

        pairings()
        with session_scope() as session:
            options = {m.id: f"{m.name} ({m.username})" for m in members_for_pairing(session, user)}
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            member = ui.select(options, label=_("Member"), with_input=True).classes("grow").mark("pair-member")
            ui.button(_("Pair"), icon="link", on_click=pair).mark("pair")
