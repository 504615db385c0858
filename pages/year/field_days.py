"""Leaders' field days: the year's progress against the quota with an overdue reminder, the form, and
the list of days with their problems turned into requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import N_, _, current_language, format_date, labelled
from models import FieldDay, ServiceRequest, User
from models.common import max_length
from models.requests import ServiceRequestBase
from models.year import FieldDayBase
from pages.actions import load, page_user, perform
from pages.frame import frame
from pages.messages import error_text, notify_error, notify_ok
from pages.requests.cards import category_options, status_badge
from services.errors import InvalidInput, ServiceError
from services.org.calendar_year import current_year
from services.org.clock import org_today, parse_day
from services.year.field_days import (
    FieldDayInput,
    QuotaProgress,
    my_field_days,
    quota_progress,
    raise_request_from_field_day,
    record_field_day,
    requests_of,
)

# The forms stop where the server would refuse (the models hold the limits).
DESCRIPTION_MAX = max_length(ServiceRequestBase, "description")


def progress_card(progress: QuotaProgress) -> None:
    colour = "negative" if progress.behind else "positive"
    with ui.card().classes("ds-card gap-2").mark("field-day-progress"):
        with ui.row().classes("w-full items-center justify-between no-wrap"):
            ui.label(_("Field days in {year}").format(year=progress.year)).classes("text-lg font-medium")
            ui.label(f"{progress.done} / {progress.quota}").classes("text-2xl font-bold").mark("field-day-count")
        ui.linear_progress(progress.share, show_value=False, size="10px", color=colour)
        if progress.behind:
            with ui.row().classes("items-center gap-2 no-wrap text-negative").mark("field-day-overdue"):
                ui.icon("alarm")
                ui.label(_("Behind schedule: {expected} days were due by now. Plan your next day at your contact "
                           "point.").format(expected=progress.expected_by_now))
        else:
            ui.label(_("On schedule: {expected} days were due by now.").format(
                expected=progress.expected_by_now)).classes("text-sm text-gray-600")


def reminder_progress(session: Session, user: User) -> QuotaProgress | None:
    """The start page's reminder figures: a leader's progress this year (None for everyone else)."""
    return quota_progress(session, user) if user.is_leader else None


def field_day_reminder(user: User, progress: QuotaProgress | None) -> None:
    """A one-line reminder for the start page when a leader is behind (``progress``: ``reminder_progress``)."""
    if not user.is_leader:
        return
    if progress is not None and progress.behind:
        with ui.link(target="/field-days").classes("no-underline w-full"):
            with ui.row().classes("ds-card items-center gap-2 no-wrap text-negative bg-red-50 p-2 rounded").mark(
                    "field-day-reminder"):
                ui.label(_("Field days: {done} of {quota}, {expected} were due by now.").format(
                    done=progress.done, quota=progress.quota, expected=progress.expected_by_now))


@dataclass
class YearOfFieldDays:
    progress: QuotaProgress | None
    days: list[FieldDay]
    raised: dict[int, list[ServiceRequest]]


def year_of_field_days(session: Session, actor: User, year: int) -> YearOfFieldDays:
    days = my_field_days(session, actor, year)
    raised = requests_of(session, [d.id for d in days if d.id])
    return YearOfFieldDays(quota_progress(session, actor, year), days, raised)


@ui.page("/field-days")
async def field_days_page(year: int = 0) -> None:
    user = await page_user()
    if user is None:
        return
    year = year or current_year()
    data = await load(year_of_field_days, user, year) if user.is_leader else None
    with frame(_("Field days"), user):
        if data is None:
            ui.label(_("Field days are recorded by leaders.")).classes("ds-card text-gray-600")
            return

        @ui.refreshable
        def content(data: YearOfFieldDays) -> None:
            if data.progress:
                progress_card(data.progress)
            new_day_form(reload)
            for day in data.days:
                day_card(day, data.raised.get(day.id or 0, []), reload)

        async def reload() -> None:
            actor = await page_user()
            if actor is not None:
                content.refresh(await load(year_of_field_days, actor, year))

        content(data)


def new_day_form(done: Callable[[], Awaitable[None]]) -> None:
    tz = get_settings().time_zone
    today = org_today()
    with ui.expansion(_("Record a field day"), icon="add").classes("w-full bg-white").mark("new-field-day"):
        day = ui.input(_("Date"), value=today.isoformat()).props("type=date outlined dense").mark("field-day-date")
        place = ui.input(_("Place (your contact point)")).props(
            f"outlined dense maxlength={max_length(FieldDayBase, 'place')}").classes("w-full").mark("field-day-place")
        purpose = ui.input(_("Purpose")).props(
            f"outlined dense maxlength={max_length(FieldDayBase, 'purpose')}").classes("w-full").mark(
            "field-day-purpose")
        learned = ui.textarea(_("What you learned")).props(
            f"outlined autogrow maxlength={max_length(FieldDayBase, 'learned')}").classes("w-full").mark(
            "field-day-learned")
        problems = ui.textarea(_("Problems taken up")).props(
            f"outlined autogrow maxlength={max_length(FieldDayBase, 'problems')}").classes("w-full").mark(
            "field-day-problems")

        async def save() -> None:
            picked = parse_day(day.value)
            if picked is None:
                notify_error(InvalidInput(N_("Enter the date.")))
                return
            try:  # an over-long text is refused here, with its limit, and nothing typed is lost
                entered = FieldDayInput(day_at=datetime.combine(picked, time(12), tzinfo=ZoneInfo(tz)),
                                        place=place.value or "", purpose=purpose.value or "",
                                        learned=learned.value or "", problems=problems.value or "")
            except ServiceError as exc:
                notify_error(exc)
                return
            await perform(record_field_day, entered, done=_("Field day recorded."), refresh=done)

        ui.button(_("Save"), icon="save", on_click=save).mark("save-field-day")


def day_card(day: FieldDay, raised: list, done: Callable[[], Awaitable[None]]) -> None:
    tz = get_settings().time_zone
    with ui.card().classes("ds-card gap-1").mark(f"field-day-{day.id}"):
        with ui.row().classes("w-full items-center justify-between no-wrap"):
            ui.label(format_date(day.day_at, tz)).classes("font-medium")
            ui.label(day.place).classes("text-sm text-gray-600")
        for label, text in ((_("Purpose"), day.purpose), (_("What you learned"), day.learned),
                            (_("Problems taken up"), day.problems)):
            if text:
                ui.label(labelled(label, text)).classes("text-sm whitespace-pre-wrap")
        for request in raised:
            with ui.row().classes("items-center gap-2"):
                ui.label(_("Request {code}").format(code=request.tracking_code)).classes("text-sm font-mono")
                status_badge(request)
        ui.button(_("Raise a request"), icon="campaign", on_click=lambda: raise_dialog(day, done)).props(
            "outline dense").mark(f"raise-{day.id}")


async def raise_dialog(day: FieldDay, done: Callable[[], Awaitable[None]]) -> None:
    options = await load(category_options, current_language())
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-md"):
        ui.label(_("Raise a request")).classes("text-lg font-medium")
        category = ui.select(options, label=_("Category")).props("outlined dense").classes("w-full").mark(
            "field-day-category")
        description = ui.textarea(_("Describe the request"), value=day.problems).props(
            f"outlined autogrow maxlength={DESCRIPTION_MAX}").classes("w-full").mark("field-day-request-text")
        error = ui.label().classes("text-negative text-sm")


        async def save() -> None:
            raised = await perform(raise_request_from_field_day, day.id or 0, category.value or 0,
                                   description.value or "", on_error=lambda exc: error.set_text(error_text(exc)))
            if not raised:
                return
            dialog.close()
            assert raised.value is not None
            notify_ok(_("Request {code} raised.").format(code=raised.value.tracking_code))
            await done()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Raise"), on_click=save).mark("save-field-day-request")
    dialog.open()
