"""The admin outbox: messages by status and channel (numbers masked), resend, counts per day, SMS lengths."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, current_language, format_datetime
from models import Channel, OutboxStatus, User
from pages.actions import load, page_user, perform
from pages.frame import frame
from pages.messages import error_text, notify_error
from services.errors import ServiceError
from services.notify import admin as notify_admin
from services.org.areas import area_label, areas_visible_to
from services.policy import ADMINS


def outbox_view(session: Session, actor: User, status: str, channel: str) -> tuple:
    """The messages with the filters chosen, the counts per day and the totals per status."""
    rows = notify_admin.list_outbox(session, actor, OutboxStatus(status) if status else None,
                                    Channel(channel) if channel else None)
    return rows, notify_admin.counts_per_day(session, actor), notify_admin.status_totals(session, actor)


def _outbox_row(row: Any, tz: str, resend: Callable[[int], Awaitable[None]]) -> None:
    """One message: channel, kind, status, recipient, text, tries, the last error; failed ones can be sent again."""
    with ui.card().classes("ds-card").props("flat bordered").mark("outbox-row"):
        with ui.row().classes("w-full items-center justify-between"):
            ui.label(f"{_(notify_admin.CHANNEL_LABELS[row.channel])} · {row.kind}").classes(
                "font-medium")
            ui.label(_(notify_admin.STATUS_LABELS[row.status])).mark(f"outbox-status-{row.id}")
        ui.label(row.recipient or "—").classes("font-mono").mark("outbox-recipient")
        if row.text:
            ui.label(row.text).classes("text-sm whitespace-pre-line").mark("outbox-text")
        ui.label(_("Queued {at} · tries: {n}").format(at=format_datetime(row.created_at, tz),
                                                      n=row.attempts)).classes("text-sm text-gray-600")
        if row.last_error:
            ui.label(row.last_error).classes("text-sm text-negative")
        if row.status == OutboxStatus.failed:
            ui.button(_("Send again"), icon="replay",
                      on_click=lambda r=row: resend(r.id)).props("outline").mark(f"outbox-resend-{row.id}")


def _per_day(per_day: dict) -> None:
    """Messages sent per day and channel."""
    ui.label(_("Sent per day")).classes("text-lg font-medium")
    with ui.column().classes("gap-1").mark("outbox-per-day"):
        if not per_day:
            ui.label("—")
        for day, by_channel in per_day.items():
            parts = ", ".join(f"{_(notify_admin.CHANNEL_LABELS[c])} {n}" for c, n in by_channel.items())
            ui.label(f"{day}: {parts}").classes("text-sm")


@ui.page("/admin/outbox")
async def outbox_page() -> None:
    user = await page_user(ADMINS)
    if user is None:
        return
    tz = get_settings().time_zone
    with frame(_("Outbox"), user):
        with ui.card().classes("ds-card"), ui.row().classes("w-full gap-2 items-end"):
            status = ui.select({"": _("Any status"), **{s.value: _(label) for s, label in
                                                        notify_admin.STATUS_LABELS.items()}},
                               value="", label=_("Status")).classes("min-w-40").mark("outbox-status")
            channel = ui.select({"": _("Any channel"), **{c.value: _(label) for c, label in
                                                          notify_admin.CHANNEL_LABELS.items()}},
                                value="", label=_("Channel")).classes("min-w-40").mark("outbox-channel")

        @ui.refreshable
        async def results() -> None:
            actor = await page_user(ADMINS)
            if actor is None:
                return
            try:
                rows, per_day, totals = await load(outbox_view, actor, status.value or "", channel.value or "")
            except ServiceError as exc:
                notify_error(exc)
                return
            with ui.row().classes("gap-4 text-sm").mark("outbox-totals"):
                for s, label in notify_admin.STATUS_LABELS.items():
                    ui.label(f"{_(label)}: {totals.get(s, 0)}")
            if not rows:
                ui.label(_("No messages.")).classes("text-gray-600").mark("outbox-empty")
            for row in rows:
                _outbox_row(row, tz, resend)
            _per_day(per_day)

        async def resend(message_id: int) -> None:
            await perform(notify_admin.resend_failed, message_id, roles=ADMINS,
                          done=_("The message will be sent again."), refresh=results.refresh)

        status.on_value_change(results.refresh)
        channel.on_value_change(results.refresh)
        await results()
        await area_bot_card(user)
        template_card()


def template_card() -> None:
    """Each message with typical values and its length: Chinese SMS hold 70 characters, 67 per part."""
    with ui.card().classes("ds-card").mark("outbox-templates"):
        ui.label(_("SMS texts and their length")).classes("text-lg font-medium")
        ui.label(_("70 characters fit in one SMS with Chinese text (67 per part of a longer one); "
                   "the signature counts too.")).classes("text-sm text-gray-600")
        for item in notify_admin.template_lengths(current_language()):
            with ui.column().classes("w-full gap-0"):
                ui.label(item.kind).classes("text-xs text-gray-500")
                ui.label(item.text).classes("text-sm")
                ui.label(_("{chars} characters · {parts} SMS").format(chars=item.characters, parts=item.segments)
                         ).classes("text-sm " + ("text-negative" if item.segments > 1 else "text-positive")).mark(
                    f"sms-length-{item.kind}")


def bots_view(session: Session, actor: User) -> tuple[dict[int, str], dict[int, str]]:
    """The areas the admin can give a bot, and the areas that have one."""
    areas = {a.id: area_label(session, a.id) for a in areas_visible_to(session, actor)}
    return areas, notify_admin.area_bots(session, actor)


async def area_bot_card(user: User) -> None:
    """An area's own group bot; messages for areas without one go to the organisation's bots."""
    areas, bots = await load(bots_view, user)
    with ui.card().classes("ds-card").mark("area-bots"):
        ui.label(_("Group bots of areas")).classes("text-lg font-medium")
        for area_id, shown in bots.items():
            ui.label(f"{areas.get(area_id, area_id)}: {shown}").classes("text-sm")
        area = ui.select(areas, value=next(iter(areas), None), label=_("Area")).classes("w-full").mark("bot-area")
        url = ui.input(_("Bot address (Apprise URL, e.g. wecombot://KEY); empty to remove")).props(
            "outlined").classes("w-full").mark("bot-url")
        error = ui.label().classes("text-negative").mark("bot-error")

        async def save() -> None:
            error.set_text("")
            if await perform(notify_admin.set_area_bot, area.value, url.value or "", roles=ADMINS, done=_("Saved."),
                             on_error=lambda exc: error.set_text(error_text(exc))):
                url.set_value("")

        ui.button(_("Save"), icon="save", on_click=save).classes("min-h-[44px]").mark("bot-save")
