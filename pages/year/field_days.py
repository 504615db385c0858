"""Leaders' field days: the year's progress against the quota with an overdue reminder, the form, and
the list of days with their problems turned into requests."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from nicegui import ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_, _, current_language, format_date, labelled
from models import FieldDay, User
from pages.frame import frame
from pages.messages import error_text, notify_error, notify_ok
from pages.requests.cards import status_badge
from pages.session import require_user
from services.errors import InvalidInput, ServiceError
from services.org.calendar_year import current_year
from services.org.clock import org_today
from services.requests.tracking import MAX_DESCRIPTION, categories, category_name
from services.year.field_days import (
    FieldDayInput,
    QuotaProgress,
    my_field_days,
    quota_progress,
    raise_request_from_field_day,
    record_field_day,
    requests_of,
)


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


def field_day_reminder(user: User) -> None:
    """A one-line reminder for the start page when a leader is behind."""
    if not user.is_leader:
        return
    with session_scope(read_only=True) as session:
        progress = quota_progress(session, user)
    if progress is not None and progress.behind:
        with ui.link(target="/field-days").classes("no-underline w-full"):
            with ui.row().classes("ds-card items-center gap-2 no-wrap text-negative bg-red-50 p-2 rounded").mark(
                    "field-day-reminder"):
                ui.label(_("Field days: {done} of {quota}, {expected} were due by now.").format(
                    done=progress.done, quota=progress.quota, expected=progress.expected_by_now))


@ui.page("/field-days")
def field_days_page(year: int = 0) -> None:
    user = require_user()
    if user is None:
        return
    year = year or current_year()
    with frame(_("Field days"), user):
        if not user.is_leader:
            ui.label(_("Field days are recorded by leaders.")).classes("ds-card text-gray-600")
            return

        @ui.refreshable
        def content() -> None:
            actor = require_user()
            if actor is None:
                return
            with session_scope(read_only=True) as session:
                progress = quota_progress(session, actor, year)
                days = my_field_days(session, actor, year)
                raised = requests_of(session, [d.id for d in days if d.id])
            if progress:
                progress_card(progress)
            new_day_form(content.refresh)
            for day in days:
                day_card(day, raised.get(day.id or 0, []), content.refresh)

        content()


def new_day_form(done) -> None:
    tz = get_settings().time_zone
    today = org_today()
    with ui.expansion(_("Record a field day"), icon="add").classes("w-full bg-white").mark("new-field-day"):
        day = ui.input(_("Date"), value=today.isoformat()).props("type=date outlined dense").mark("field-day-date")
        place = ui.input(_("Place (your contact point)")).props("outlined dense maxlength=200").classes("w-full") \
            .mark("field-day-place")
        purpose = ui.input(_("Purpose")).props("outlined dense maxlength=500").classes("w-full").mark(
            "field-day-purpose")
        learned = ui.textarea(_("What you learned")).props("outlined autogrow").classes("w-full").mark(
            "field-day-learned")
        problems = ui.textarea(_("Problems taken up")).props("outlined autogrow").classes("w-full").mark(
            "field-day-problems")

        def save() -> None:
            actor = require_user()
            if actor is None:
                return
            try:
                when = datetime.combine(date.fromisoformat(day.value or ""), time(12), tzinfo=ZoneInfo(tz))
            except ValueError:
                notify_error(InvalidInput(N_("Enter the date.")))
                return
            try:
                with session_scope() as session:
                    record_field_day(session, actor, FieldDayInput(
                        day_at=when, place=place.value or "", purpose=purpose.value or "",
                        learned=learned.value or "", problems=problems.value or ""))
            except ServiceError as exc:
                notify_error(exc)
                return
            notify_ok(_("Field day recorded."))
            done()

        ui.button(_("Save"), icon="save", on_click=save).mark("save-field-day")


def day_card(day: FieldDay, raised: list, done) -> None:
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


def raise_dialog(day: FieldDay, done) -> None:
    lang = current_language()
    with session_scope(read_only=True) as session:
        options = {c.id: category_name(c, lang) for c in categories(session)}
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-md"):
        ui.label(_("Raise a request")).classes("text-lg font-medium")
        category = ui.select(options, label=_("Category")).props("outlined dense").classes("w-full").mark(
            "field-day-category")
        description = ui.textarea(_("Describe the request"), value=day.problems).props(
            f"outlined autogrow maxlength={MAX_DESCRIPTION}").classes("w-full").mark("field-day-request-text")
        error = ui.label().classes("text-negative text-sm")

        def save() -> None:
            actor = require_user()
            if actor is None:
                return
            try:
                with session_scope() as session:
                    request = raise_request_from_field_day(session, actor, day.id or 0, category.value or 0,
                                                           description.value or "")
            except ServiceError as exc:
                error.set_text(error_text(exc))
                return
            dialog.close()
            notify_ok(_("Request {code} raised.").format(code=request.tracking_code))
            done()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Raise"), on_click=save).mark("save-field-day-request")
    dialog.open()
