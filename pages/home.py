"""Start page: a member's households, most overdue first; a volunteer's coming events; an overview for coordinators."""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, current_language, format_date, to_local
from models import Event, Household, Notice, Role, User, Visit
from pages.actions import load, page_user
from pages.events.browse import home_events_block, home_events_of, places_text, status_badge, tz, when_text
from pages.frame import frame
from pages.requests.cards import HomeRequests, home_requests, home_requests_of
from pages.session import take_refused_notice
from pages.year.field_days import field_day_reminder, reminder_progress
from services.events.catalogue import EventRow, upcoming_events
from services.households.records import HouseholdRow, coverage_counts, list_households
from services.org.clock import org_today
from services.policy import MANAGERS
from services.visits.review.review import issues_for_member, pending_by_household, pending_review_count
from services.year.field_days import QuotaProgress

HOME_EVENTS = 8


@dataclass
class MemberHouseholds:
    """A member's households (most overdue first) and how many of their visits to each wait for review."""

    rows: list[HouseholdRow]
    pending: dict[int, int]


@dataclass
class HomeData:
    """Everything the start page shows, for the signed-in person's role, read in one go."""

    requests: HomeRequests
    events: tuple[list[Notice], list[Event]]
    field_days: QuotaProgress | None
    households: MemberHouseholds | None = None
    issues: list[tuple[Visit, Household, str]] = field(default_factory=list)
    coming: list[EventRow] = field(default_factory=list)
    coverage: tuple[int, int, int] | None = None  # households, overdue, visits pending review


def member_households(session: Session, user: User, search: str, lang: str) -> MemberHouseholds:
    rows = list_households(session, user, search, get_settings().visit_interval_days, lang=lang)
    return MemberHouseholds(rows, pending_by_household(session, user, [r.household.id for r in rows]))


def home_data(session: Session, user: User, lang: str) -> HomeData:
    data = HomeData(home_requests_of(session, user), home_events_of(session, user), reminder_progress(session, user))
    if user.role == Role.member:
        data.households = member_households(session, user, "", lang)
        data.issues = issues_for_member(session, user)
    if user.role == Role.volunteer:
        data.coming = upcoming_events(session, user, limit=HOME_EVENTS)
    if user.role in MANAGERS:
        total, overdue = coverage_counts(session, user, get_settings().visit_interval_days)
        data.coverage = (total, overdue, pending_review_count(session, user))
    return data


@ui.page("/")
async def home_page() -> None:
    user = await page_user()
    if user is None:
        return
    refused = take_refused_notice()
    data = await load(home_data, user, current_language())
    with frame(_("My households") if user.role == Role.member else _("Overview"), user):
        if refused:
            with ui.row().classes("ds-card items-center gap-2 no-wrap bg-amber-50 p-2 rounded").mark("page-refused"):
                ui.label(_(refused))
        if data.households is not None:
            # The households first: the reason a member opens the app in the field.
            member_home(data.households, data.issues)
            home_requests(user, data.requests)
            home_events_block(user, data.events)
            field_day_reminder(user, data.field_days)
            return
        home_requests(user, data.requests)
        if user.role == Role.volunteer:
            ui.label(_("Welcome, {name}.").format(name=user.name)).classes("text-lg")
            volunteer_events(data.coming)
        home_events_block(user, data.events)
        field_day_reminder(user, data.field_days)
        if data.coverage is not None:
            coordinator_home(*data.coverage)


def volunteer_events(rows: list[EventRow]) -> None:
    """Today's and the coming events the volunteer may join, their own sign-ups marked."""
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


def member_home(households: MemberHouseholds, issues: list[tuple[Visit, Household, str]]) -> None:
    visits_with_issues(issues)
    search = ui.input(placeholder=_("Search by name or address")).props(
        "outlined dense clearable debounce=300").classes("w-full").mark("household-search")

    @ui.refreshable
    def household_list(households: MemberHouseholds) -> None:
        if not households.rows:
            ui.label(_("No households found.") if search.value else _("No households are paired with you yet."))
            return
        for row in households.rows:
            household_card(row, households.pending.get(row.household.id, 0))

    async def find() -> None:
        text = search.value or ""
        actor = await page_user()
        if actor is None:
            return
        found = await load(member_households, actor, text, current_language())
        if (search.value or "") == text:  # an answer to an earlier search that came late is dropped
            household_list.refresh(found)

    search.on_value_change(find)
    household_list(households)


def household_card(row: HouseholdRow, pending: int) -> None:
    household = row.household
    with ui.link(target=f"/households/{household.id}").classes("no-underline text-inherit w-full").mark(
            f"household-{household.id}"):
        with ui.card().classes("ds-card").props("flat bordered"):
            with ui.row().classes("w-full items-center justify-between no-wrap"):
                ui.label(household.head_name).classes("text-lg font-medium")
                if row.days_since_visit is None:
                    ui.badge(_("Never visited"), color="negative")
                elif row.overdue:
                    ui.badge(_("{days} days since last visit").format(days=row.days_since_visit), color="negative")
                elif row.due_soon:
                    ui.badge(_("Due soon · {days} days since last visit").format(
                        days=row.days_since_visit), color="orange-9").mark(f"due-soon-{household.id}")
                else:
                    ui.badge(_("{days} days since last visit").format(days=row.days_since_visit), color="positive")
            ui.label(household.address).classes("text-gray-600 text-sm")
            if pending:  # why the days above did not restart after a visit
                ui.label(_("{n} of your visits here pending review").format(n=pending)) \
                    .classes("text-sm text-orange-700").mark(f"pending-visits-{household.id}")
            if row.needs:
                ui.label(" · ".join(row.needs)).classes("text-sm text-primary")


def visits_with_issues(rows: list[tuple[Visit, Household, str]]) -> None:
    """The member's visits a coordinator marked "has issues", with the comment, until answered."""
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


def coordinator_home(total: int, overdue: int, pending: int) -> None:
    settings = get_settings()
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
