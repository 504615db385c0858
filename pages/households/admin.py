"""Coordinator pages for households: the list, geocoding, and the new/edit form with pairings."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from nicegui import ui
from sqlmodel import Session

import pages.households.import_page  # noqa: F401  # registers /admin/households/import before /{household_id}
from core.config import get_settings
from core.i18n import _, current_language
from models import Area, Household, NeedCategory, Pairing, User
from pages.actions import load, page_user, perform
from pages.frame import frame, not_found_message
from pages.households.form import HouseholdEditor
from pages.messages import notify_error
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


def geocode_now(session: Session, actor: User) -> GeocodeReport:
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


def labelled_areas(session: Session, actor: User) -> list[tuple[Area, str]]:
    """The areas the actor may pick, each with its full label."""
    return [(a, area_label(session, a.id)) for a in areas_visible_to(session, actor)]


def list_start(session: Session, actor: User) -> tuple[list[tuple[Area, str]], list[Household]]:
    """The list page's area filter and the households that need a pin dropped by hand."""
    return labelled_areas(session, actor), unresolved_households(session, actor)


def list_page(session: Session, actor: User, search: str, area_id: int | None, overdue_only: bool,
              after: str | None, lang: str) -> tuple[Page[HouseholdRow], int]:
    settings = get_settings()
    page = household_page(session, actor, search, area_id, overdue_only, after, settings.list_page_size,
                          settings.visit_interval_days, lang=lang)
    return page, count_households(session, actor, search, area_id, overdue_only, settings.visit_interval_days)


class HouseholdsView:
    """The household list with its filters, the geocoding button and the addresses left to pin by hand.

    The filters and the page position live in the URL: a reload or a shared link shows the same page.
    """

    def __init__(self, areas: dict[int, str], q: str, area_id: int, overdue: bool, after: str, page: int) -> None:
        self.position = {"after": after, "page": max(1, page)}
        with ui.row().classes("gap-2"):
            ui.button(_("New household"), icon="add",
                      on_click=lambda: ui.navigate.to("/admin/households/new")).mark("new-household")
            ui.button(_("Import"), icon="upload_file",
                      on_click=lambda: ui.navigate.to("/admin/households/import")).mark("import")
            self.geocode_button = ui.button(_("Geocode addresses"), icon="travel_explore",
                                            on_click=self.geocode).mark("geocode")
        self.geocode_result = ui.label("").classes("text-sm").mark("geocode-result")
        with ui.row().classes("w-full items-center gap-2"):
            self.search = ui.input(placeholder=_("Search by name or address"), value=q).props(
                "outlined dense clearable debounce=300").classes("grow").mark("household-search")
            self.area = ui.select({0: _("All areas"), **areas}, value=area_id if area_id in areas else 0,
                                  label=_("Area")).props("dense outlined").classes("min-w-48").mark("area-filter")
            self.overdue_only = ui.switch(_("Overdue only"), value=overdue).mark("overdue-only")
        for element in (self.search, self.area, self.overdue_only):
            element.on_value_change(self.first_page)

    def filters_query(self) -> dict[str, str]:
        return {k: v for k, v in {"q": self.search.value or "", "area_id": str(self.area.value or ""),
                                  "overdue": "1" if self.overdue_only.value else ""}.items() if v}

    async def first_page(self) -> None:
        self.position.update(after="", page=1)
        query = urlencode(self.filters_query())
        ui.navigate.history.replace("/admin/households" + (f"?{query}" if query else ""))
        await self.household_list.refresh()

    @ui.refreshable_method
    async def household_list(self) -> None:
        actor = await page_user(MANAGERS)
        if actor is None:
            return
        number = self.position["page"]
        shown, total = await load(list_page, actor, self.search.value or "", self.area.value or None,
                                  bool(self.overdue_only.value), self.position["after"] or None, current_language())
        ui.label(_("{n} households · page {page}").format(n=total, page=number)).classes(
            "text-sm text-gray-500").mark("household-count")
        for row in shown.rows:
            household_card(row.household, row.days_since_visit, row.overdue, row.needs, row.due_soon)
        with ui.row().classes("w-full justify-between items-center").mark("pager"):
            if number > 1:
                ui.link(_("Back to the first page"), "/admin/households?" + urlencode(self.filters_query())).classes(
                    "text-primary p-3").mark("page-first")
            if shown.next_after:
                query = urlencode({**self.filters_query(), "after": shown.next_after, "page": number + 1})
                ui.link(_("Next page"), f"/admin/households?{query}").classes(
                    "text-primary font-medium p-3").mark("page-next")

    @ui.refreshable_method
    def unresolved_list(self, unresolved: list[Household]) -> None:
        if not unresolved:
            return
        ui.label(_("Addresses that need a pin dropped by hand")).classes("text-lg font-medium")
        for household in unresolved:
            with ui.link(target=f"/admin/households/{household.id}").classes("no-underline text-inherit w-full"):
                with ui.row().classes("items-center gap-2").mark(f"unresolved-{household.id}"):
                    ui.icon("wrong_location", color="negative")
                    ui.label(f"{household.head_name} · {household.address}")

    async def geocode(self) -> None:
        self.geocode_button.disable()
        self.geocode_result.text = _("Looking up addresses…")
        try:
            report = await perform(geocode_now, roles=MANAGERS)
        finally:
            self.geocode_button.enable()
        if not report or report.value is None:
            self.geocode_result.text = ""
            return
        self.geocode_result.text = geocode_message(report.value)
        actor = await page_user(MANAGERS)
        if actor is None:
            return
        self.unresolved_list.refresh(await load(unresolved_households, actor))
        await self.household_list.refresh()


@ui.page("/admin/households")
async def households_page(overdue: bool = False, q: str = "", area_id: int = 0, after: str = "",
                          page: int = 1) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    areas, unresolved = await load(list_start, user)
    with frame(_("Households"), user):
        view = HouseholdsView({a.id: label for a, label in areas if a.id is not None}, q, area_id, overdue, after,
                              page)
        view.unresolved_list(unresolved)
        await view.household_list()


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


@dataclass
class EditorChoices:
    """What the household form offers: the areas, the categories of need, and the household's needs."""

    areas: list[tuple[Area, str]]
    needs: list[NeedCategory]
    need_ids: list[int]


def editor_choices(session: Session, actor: User, household_id: int | None) -> EditorChoices:
    return EditorChoices(labelled_areas(session, actor), need_categories(session),
                         household_need_ids(session, household_id) if household_id else [])


@dataclass
class HouseholdView:
    """Everything the edit page shows: the household, its form's choices, its pairings, the members to pair."""

    household: Household
    choices: EditorChoices
    pairings: list[tuple[Pairing, User]]
    members: dict[int, str]


def household_view(session: Session, actor: User, household_id: int) -> HouseholdView:
    """The edit page's data. Opening a household is an audited read (a coordinator's writes an audit entry)."""
    household = get_household(session, actor, household_id)
    members = {m.id: f"{m.name} ({m.username})" for m in members_for_pairing(session, actor) if m.id is not None}
    return HouseholdView(household, editor_choices(session, actor, household_id),
                         active_pairings(session, actor, household_id), members)


@ui.page("/admin/households/new")
async def new_household_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    choices = await load(editor_choices, user, None)
    with frame(_("New household"), user):
        household_editor_card(choices, None)


def _unless_not_found(exc: ServiceError) -> None:
    """A household the user may not see shows as not found, in the page; other refusals are notified."""
    if not isinstance(exc, NotFound):
        notify_error(exc)


@ui.page("/admin/households/{household_id}")
async def edit_household_page(household_id: int) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    opened = await perform(household_view, household_id, roles=MANAGERS, on_error=_unless_not_found)
    with frame(_("Household"), user):
        view = opened.value
        if view is None:
            not_found_message()
            return
        household_editor_card(view.choices, view.household)
        pairing_card(household_id, view.pairings, view.members)


def household_editor_card(choices: EditorChoices, household: Household | None) -> None:
    with ui.card().classes("ds-card"):
        editor = HouseholdEditor(choices.areas, choices.needs, household, choices.need_ids)

        async def save() -> None:
            form = editor.form()
            if household is None:
                saved = await perform(create_household, form, roles=MANAGERS, done=_("Saved."),
                                      on_error=editor.show_error)
            else:
                saved = await perform(update_household, household.id, form, roles=MANAGERS, done=_("Saved."),
                                      on_error=editor.show_error)
            if not saved or saved.value is None:
                return
            editor.clear_errors()
            if household is None:
                ui.navigate.to(f"/admin/households/{saved.value.id}")

        with ui.row().classes("gap-2"):
            ui.button(_("Save"), icon="save", on_click=save).mark("save")
            ui.button(_("Back to the list"), on_click=lambda: ui.navigate.to("/admin/households")).props("flat")


def pairing_card(household_id: int, current: list[tuple[Pairing, User]], options: dict[int, str]) -> None:
    with ui.card().classes("ds-card"):
        ui.label(_("Paired members")).classes("text-lg font-medium")

        @ui.refreshable
        def pairings(current: list[tuple[Pairing, User]]) -> None:
            if not current:
                ui.label(_("No member is paired with this household yet.")).classes("text-gray-600")
            for pairing, member in current:
                with ui.row().classes("w-full items-center justify-between").mark(f"pairing-{pairing.id}"):
                    ui.label(member.name)
                    ui.button(_("End pairing"), on_click=lambda p=pairing.id: end(p)).props(
                        "flat dense color=negative").mark(f"end-pairing-{pairing.id}")

        async def reload() -> None:
            actor = await page_user(MANAGERS)
            if actor is not None:
                pairings.refresh(await load(active_pairings, actor, household_id))

        async def end(pairing_id: int) -> None:
            await perform(end_pairing, pairing_id, roles=MANAGERS, refresh=reload)

        async def pair() -> None:
            if member.value is None:
                return
            if await perform(pair_member, household_id, int(member.value), roles=MANAGERS, done=_("Paired.")):
                member.value = None
                await reload()

        pairings(current)
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            member = ui.select(options, label=_("Member"), with_input=True).classes("grow").mark("pair-member")
            ui.button(_("Pair"), icon="link", on_click=pair).mark("pair")
