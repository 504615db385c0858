"""Start page: a member's households, most overdue first; a volunteer's coming events; an overview for coordinators."""

from __future__ import annotations

from nicegui import ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import _, current_language, format_date, to_local
from models import Role, User
from pages.events.browse import home_events_block, places_text, status_badge, tz, when_text
from pages.frame import frame
from pages.requests.cards import home_requests
from pages.session import require_user, take_refused_notice
from pages.year.field_days import field_day_reminder
from services.events.catalogue import upcoming_events
from services.households.records import coverage_counts, list_households
from services.org.clock import org_today
from services.policy import MANAGERS
from services.visits.review.review import issues_for_member, pending_by_household, pending_review_count

HOME_EVENTS = 8


@ui.page("/")
def home_page() -> None:
    user = require_user()
    if user is None:
        return
    refused = take_refused_notice()
    with frame(_("My households") if user.role == Role.member else _("Overview"), user):
        if refused:
            with ui.row().classes("ds-card items-center gap-2 no-wrap bg-amber-50 p-2 rounded").mark("page-refused"):
                ui.label(_(refused))
        if user.role == Role.member:
            # The households first: the reason a member opens the app in the field.
            member_home(user)
            home_requests(user)
            home_events_block(user)
            field_day_reminder(user)
            return
        home_requests(user)
        if user.role == Role.volunteer:
            ui.label(_("Welcome, {name}.").format(name=user.name)).classes("text-lg")
            volunteer_events(user)
        home_events_block(user)
        field_day_reminder(user)
        if user.role in MANAGERS:
            coordinator_home(user)


def volunteer_events(user: User) -> None:
    """Today's and the coming events the volunteer may join, their own sign-ups marked."""
    with session_scope(read_only=True) as session:
        rows = upcoming_events(session, user, limit=HOME_EVENTS)
    with ui.card().classes("ds-card gap-2").props("flat bordered").mark("home-events"):
        ui.label(_("Today and coming up")).classes("text-lg font-medium")
        if not rows:
            ui.label(_("No events are planned yet. Look again soon."))
        today = org_today()
        for row in rows:
            event = row.event
            day = to_local(event.starts_at, tz()).date()
            with ui.link(target=f"/events/{event.id}").classes("no-underline text-inherit w-full").mark(
                    f"home-event-{event.id}"):
                with ui.column().classes("w-full gap-0 py-1"):
                    with ui.row().classes("w-full items-center justify-between no-wrap gap-2"):
                        ui.label(event.title).classes("font-medium text-primary")
                        if row.my_status is not None:
                            status_badge(row.my_status)
                    prefix = _("Today") + " · " if day <= today else ""
                    ui.label(prefix + when_text(event)).classes("text-sm text-gray-700")
                    if row.my_status is None:
                        ui.label(places_text(event)).classes("text-xs text-gray-600")


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
                        elif row.due_soon:
                            ui.badge(_("Due soon · {days} days since last visit").format(
                                days=row.days_since_visit), color="orange-9").mark(f"due-soon-{household.id}")
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
