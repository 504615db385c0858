"""Start page: a member's households, most overdue first; an overview for coordinators."""

from __future__ import annotations

from nicegui import ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import _, current_language, format_date
from models import Role, User
from pages.events import home_events_block
from pages.field_days import field_day_reminder
from pages.frame import frame
from pages.request_cards import home_requests
from pages.session import require_user
from services.households import coverage_counts, list_households
from services.policy import MANAGERS
from services.visit_review.review import issues_for_member, pending_by_household, pending_review_count


@ui.page("/")
def home_page() -> None:
    user = require_user()
    if user is None:
        return
    with frame(_("My households") if user.role == Role.member else _("Overview"), user):
        home_requests(user)
        home_events_block(user)
        field_day_reminder(user)
        if user.role == Role.member:
            member_home(user)
        elif user.role in MANAGERS:
            coordinator_home(user)
        else:
            with ui.card().classes("ds-card"):
                ui.label(_("Welcome, {name}.").format(name=user.name)).classes("text-lg")
                ui.label(_("Service events you can join will appear here."))


def member_home(user: User) -> None:
    settings = get_settings()
    visits_with_issues(user)
    search = ui.input(placeholder=_("Search by name or address")).props(
        "outlined dense clearable debounce=300").classes("w-full").mark("household-search")

    @ui.refreshable
    def household_list() -> None:
        with session_scope() as session:
            rows = list_households(session, user, search.value or "", settings.visit_interval_days,
                                   lang=current_language())
            pending = pending_by_household(session, user, [r.household.id for r in rows])
        if not rows:
            ui.label(_("No households found.") if search.value else _("No households are paired with you yet."))
            return
        for row in rows:
            household = row.household
            with ui.link(target=f"/households/{household.id}").classes("no-underline text-inherit w-full").mark(
                    f"household-{household.id}"):
                with ui.card().classes("ds-card").props("flat bordered"):
                    with ui.row().classes("w-full items-center justify-between no-wrap"):
                        ui.label(household.head_name).classes("text-lg font-medium")
                        if row.days_since_visit is None:
                            ui.badge(_("Never visited"), color="negative")
                        elif row.overdue:
                            ui.badge(_("{days} days since last visit").format(days=row.days_since_visit),
                                     color="negative")
                        else:
                            ui.badge(_("{days} days since last visit").format(days=row.days_since_visit),
                                     color="positive")
                    ui.label(household.address).classes("text-gray-600 text-sm")
                    if pending.get(household.id):  # why the days above did not restart after a visit
                        ui.label(_("{n} of your visits here pending review").format(n=pending[household.id])) \
                            .classes("text-sm text-orange-700").mark(f"pending-visits-{household.id}")
                    if row.needs:
                        ui.label(" · ".join(row.needs)).classes("text-sm text-primary")

    search.on_value_change(household_list.refresh)
    household_list()


def visits_with_issues(user: User) -> None:
    """The member's visits a coordinator marked "has issues", with the comment, until answered."""
    with session_scope() as session:
        rows = issues_for_member(session, user)
    if not rows:
        return
    tz = get_settings().time_zone
    with ui.card().classes("ds-card w-full").props("flat bordered").mark("visits-with-issues"):
        ui.label(_("Visits a coordinator asked about")).classes("font-medium")
        for visit, household, comment in rows:
            with ui.link(target=f"/households/{household.id}#visit-{visit.id}").classes(
                    "no-underline text-inherit w-full").mark(f"issue-{visit.id}"):
                ui.label(f"{household.head_name} · {format_date(visit.visited_at, tz)}").classes("font-medium")
                ui.label(comment).classes("text-sm whitespace-pre-wrap")


def coordinator_home(user: User) -> None:
    settings = get_settings()
    with session_scope() as session:
        total, overdue = coverage_counts(session, user, settings.visit_interval_days)
        pending = pending_review_count(session, user)
    with ui.row().classes("w-full gap-3"):
        for label, value, link in (
            (_("Households"), total, "/admin/households"),
            (_("Overdue for a visit"), overdue, "/admin/households?overdue=1"),
            (_("Pending review"), pending, "/review"),
        ):
            with ui.link(target=link).classes("no-underline text-inherit"), ui.card().classes("min-w-40"):
                ui.label(str(value)).classes("text-3xl font-bold")
                ui.label(label).classes("text-gray-600")
    with ui.row().classes("gap-2"):
        ui.button(_("Visits"), icon="fact_check", on_click=lambda: ui.navigate.to("/visits"))
        ui.button(_("Map"), icon="map", on_click=lambda: ui.navigate.to("/map"))
    ui.label(_("Interval between visits: {days} days").format(days=settings.visit_interval_days)).classes(
        "text-sm text-gray-500")
