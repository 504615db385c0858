"""My activities: upcoming sign-ups and waitlist places, past events and hours, notices, calendar feed."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from nicegui import ui
from sqlmodel import Session

from core.i18n import _, format_number
from models import Notice, Role, User
from pages.actions import page_user, perform
from pages.events.browse import notice_text, status_badge, when_text
from pages.frame import frame
from pages.session import sign_out
from services.accounts.volunteers import close_own_account
from services.events.calendar import feed_token, reset_feed_token
from services.events.signups import MyActivities, my_activities
from services.notifications import mark_read, notices_for
from services.policy import VOLUNTEERS


@dataclass
class ActivitiesView:
    mine: MyActivities
    notices: list[Notice]
    feed_token: str


def activities_view(session: Session, actor: User) -> ActivitiesView:
    # feed_token writes a token the first time: a change, so it runs through perform.
    return ActivitiesView(my_activities(session, actor), notices_for(session, actor, limit=10),
                          feed_token(session, actor))


def _notices(notices: list[Notice]) -> None:
    """The person's notices, unread ones in bold, with a button that marks them read."""
    ui.label(_("Notices")).classes("text-lg font-medium ds-card")
    for notice in notices:
        with ui.card().classes("ds-card").props("flat bordered"):
            ui.link(notice_text(notice), notice.link or "/events").classes(
                "text-inherit" + ("" if notice.read_at else " font-medium"))
    if any(n.read_at is None for n in notices):
        async def read_all() -> None:
            await perform(mark_read, refresh=ui.navigate.reload)

        ui.button(_("Mark notices as read"), on_click=read_all).props("flat dense no-caps")


def _upcoming_and_past(mine: MyActivities) -> None:
    """The events the person signed up for: coming ones with their status, past ones with hours or no-show."""
    ui.label(_("Upcoming")).classes("text-lg font-medium ds-card")
    if not mine.upcoming:
        with ui.card().classes("ds-card").props("flat bordered"):
            ui.label(_("You have not signed up for anything yet."))
            ui.link(_("Find events"), "/events")
    for item in mine.upcoming:
        with ui.link(target=f"/events/{item.event.id}").classes("no-underline text-inherit w-full").mark(
                f"activity-{item.event.id}"):
            with ui.card().classes("ds-card gap-1").props("flat bordered"):
                ui.label(item.event.title).classes("font-medium")
                ui.label(when_text(item.event) + (f" · {item.role_name}" if item.role_name else "")).classes(
                    "text-sm text-gray-700")
                status_badge(item.signup.status, item.position)

    ui.label(_("Past events")).classes("text-lg font-medium ds-card")
    if not mine.past:
        ui.label(_("None yet.")).classes("text-gray-600 ds-card")
    for item in mine.past:
        with ui.card().classes("ds-card gap-1").props("flat bordered"):
            with ui.row().classes("w-full items-center justify-between no-wrap"):
                ui.label(item.event.title).classes("font-medium")
                if item.attended:
                    ui.badge(_("{hours} h").format(hours=format_number(item.hours)), color="positive")
                elif item.no_show:
                    ui.badge(_("No-show"), color="negative")
            ui.label(when_text(item.event)).classes("text-sm text-gray-700")


@ui.page("/me/activities")
async def my_activities_page(request: Request) -> None:
    user = await page_user()
    if user is None:
        return
    base = str(request.base_url).rstrip("/")
    view = await perform(activities_view)
    if not view:
        return
    mine, notices, token = view.value.mine, view.value.notices, view.value.feed_token
    with frame(_("My activities"), user):
        with ui.card().classes("ds-card gap-0").props("flat bordered"):
            ui.label(_("Hours this year")).classes("text-sm text-gray-600")
            ui.label(format_number(mine.hours_this_year)).classes("text-3xl font-bold").mark("hours-this-year")

        if notices:
            _notices(notices)

        _upcoming_and_past(mine)

        with ui.expansion(_("Calendar feed"), icon="event_available").classes("ds-card bg-white rounded"):
            ui.label(_("Subscribe to this address in your phone's calendar to see your events there. "
                       "Keep it private.")).classes("text-sm")
            feed = ui.label(f"{base}/calendar/{token}.ics").classes("text-xs break-all text-primary").mark("feed-url")

            def copy() -> None:
                ui.clipboard.write(feed.text)
                ui.notify(_("Copied."))

            async def new_address() -> None:
                renewed = await perform(reset_feed_token)
                if renewed:
                    feed.set_text(f"{base}/calendar/{renewed.value}.ics")
                    ui.notify(_("The old address no longer works."))

            with ui.row().classes("gap-2"):
                ui.button(_("Copy"), icon="content_copy", on_click=copy).props("flat dense no-caps")
                ui.button(_("New address"), icon="refresh", on_click=new_address).props("flat dense no-caps")

        if user.role == Role.volunteer:
            with ui.expansion(_("Close my account"), icon="no_accounts").classes("ds-card bg-white rounded"):
                ui.label(_("Your name, phone number and details are deleted and you are taken off upcoming "
                           "events. Anonymous attendance counts are kept.")).classes("text-sm")

                async def close() -> None:
                    if not await perform(close_own_account, roles=VOLUNTEERS):
                        return
                    sign_out()
                    ui.navigate.to("/login")

                ui.button(_("Close my account"), on_click=close).props("outline color=negative").mark(
                    "close-account")
