"""The callback lists (/callbacks) and one area's list for a week (/callbacks/{id}), where calls are recorded."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from core.config import get_settings
from core.i18n import _, format_date, labelled
from models import CallbackOutcome
from pages.actions import load, page_user, perform
from pages.events.browse import notice_text
from pages.frame import frame, not_found_message
from pages.messages import error_text
from services.callbacks.calls import (
    MAX_TRIES,
    OUTCOME_LABELS,
    CallbackEntry,
    callback_list,
    callback_notices,
    draw_overview,
    record_outcome,
)
from services.errors import ServiceError
from services.notifications import mark_read
from services.policy import MANAGERS

SCORES = {score: str(score) for score in range(1, 6)}
OUTCOME_COLOURS = {CallbackOutcome.open: "grey", CallbackOutcome.confirmed: "positive",
                   CallbackOutcome.no_visit: "negative", CallbackOutcome.unreachable: "secondary"}


def draw_facts(drawn: int, counted: int, skipped: int) -> str:
    text = _("{drawn} of {counted} counted visits drawn").format(drawn=drawn, counted=counted)
    if skipped:
        text += " · " + (_("1 household without a phone skipped") if skipped == 1 else
                         _("{n} households without a phone skipped").format(n=skipped))
    return text


@ui.page("/callbacks")
async def callbacks_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    overview = await load(draw_overview, user)
    notices = await load(callback_notices, user)
    with frame(_("Callbacks"), user):
        for notice in notices:
            with ui.card().classes("ds-card bg-amber-50").props("flat bordered").mark("callback-notice"):
                with ui.row().classes("w-full items-center no-wrap gap-2"):
                    ui.icon("notifications", color="warning")
                    ui.link(notice_text(notice), notice.link or "/callbacks").classes("text-inherit grow")
                    ui.button(icon="done", on_click=lambda n=notice.id: perform(mark_read, n, roles=MANAGERS,
                              refresh=ui.navigate.reload)).props("flat round").mark("notice-read")
        ui.label(_("Each week a sample of last week's counted visits is drawn for a phone call to the household: "
                   "at least one visit of every member who visited.")).classes("text-sm text-gray-600")
        if not overview:
            ui.label(_("No callback list yet.")).mark("no-callback-lists")
        for row in overview:
            with ui.link(target=f"/callbacks/{row.draw.id}").classes("ds-card no-underline text-inherit").mark(
                    f"callback-list-{row.draw.id}"):
                with ui.card().classes("w-full gap-1").props("flat bordered"):
                    with ui.row().classes("w-full items-center justify-between no-wrap"):
                        ui.label(f"{row.draw.week} · {row.area}").classes("font-medium")
                        ui.badge(_("{n} open").format(n=row.open), color="warning" if row.open else "positive")
                    ui.label(draw_facts(row.draw.drawn, row.draw.visits_counted, row.draw.skipped_without_phone)) \
                        .classes("text-sm text-gray-600")


@ui.page("/callbacks/{draw_id}")
async def callback_list_page(draw_id: int) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Callbacks"), user):
        @ui.refreshable
        async def content() -> None:
            # A write session: opening the list (residents' phone numbers) is audited.
            opened = await perform(callback_list, draw_id, roles=MANAGERS, on_error=lambda _exc: None)
            if not opened or opened.value is None:
                not_found_message()
                return
            data = opened.value
            draw = data.draw
            with ui.card().classes("ds-card gap-1").props("flat bordered"):
                ui.label(f"{draw.week} · {data.area}").classes("text-lg font-medium").mark("callback-list-title")
                ui.label(draw_facts(draw.drawn, draw.visits_counted, draw.skipped_without_phone)).classes(
                    "text-sm").mark("callback-list-facts")
                ui.label(labelled(_("Seed"), draw.seed)).classes("text-sm text-gray-600").mark("callback-seed")
            if not data.entries:
                ui.label(_("No visit could be drawn this week.")).mark("callback-empty")
            for entry in data.entries:
                callback_card(entry, content.refresh)

        await content()


def callback_card(entry: CallbackEntry, refresh: Callable[[], object]) -> None:
    callback, tz = entry.callback, get_settings().time_zone
    with ui.card().classes("ds-card gap-2").props("flat bordered").mark(f"callback-{callback.id}"):
        with ui.row().classes("w-full items-center justify-between no-wrap"):
            ui.label(entry.household).classes("text-lg font-medium")
            outcome = CallbackOutcome(callback.outcome)
        ui.badge(_(OUTCOME_LABELS[outcome]), color=OUTCOME_COLOURS[outcome]).mark("callback-outcome")
        if entry.phone:
            with ui.link(target=f"tel:{entry.phone}").classes("no-underline text-primary gap-2").mark("callback-phone"):
                ui.icon("call")
                ui.label(entry.phone).classes("text-lg")
        ui.label(_("Visit on {date} by {member}").format(date=format_date(entry.visited_at, tz),
                                                         member=entry.member)).classes("text-sm text-gray-600")
        if callback.tries:
            ui.label(_("Not reached: try {n} of {max}").format(n=callback.tries, max=MAX_TRIES)).classes("text-sm")
        if callback.outcome == CallbackOutcome.open:
            outcome_form(callback.id or 0, refresh)
        else:
            if callback.satisfaction is not None:
                ui.label(labelled(_("Satisfaction with the member"), f"{callback.satisfaction} / 5")).classes(
                    "text-sm")
            if callback.comment:
                ui.label(callback.comment).classes("text-sm whitespace-pre-wrap")


def outcome_form(callback_id: int, refresh: Callable[[], object]) -> None:
    ui.label(_("Satisfaction with the member (optional, 1 = poor, 5 = very good)")).classes("text-sm")
    score = ui.toggle(SCORES, value=None, clearable=True).mark("callback-score")
    comment = ui.input(_("Comment (optional)")).props("outlined dense").classes("w-full").mark("callback-comment")
    error = ui.label().classes("text-negative text-sm").mark("callback-error")

    async def save(outcome: CallbackOutcome) -> None:
        error.set_text("")

        def show(exc: ServiceError) -> None:
            error.set_text(error_text(exc))  # what was entered stays

        await perform(record_outcome, callback_id, outcome, score.value, comment.value or "", roles=MANAGERS,
                      done=_("Saved."), refresh=refresh, on_error=show)

    with ui.row().classes("w-full gap-2"):
        ui.button(_("Visit confirmed"), icon="check", on_click=lambda: save(CallbackOutcome.confirmed)).props(
            "color=positive").mark("callback-confirmed")
        ui.button(_("No visit"), icon="report", on_click=lambda: save(CallbackOutcome.no_visit)).props(
            "color=negative outline").mark("callback-no-visit")
        ui.button(_("Not reached"), icon="phone_missed", on_click=lambda: save(CallbackOutcome.unreachable)).props(
            "outline").mark("callback-not-reached")
