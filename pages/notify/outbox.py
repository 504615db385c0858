"""The admin outbox: messages by status and channel (numbers masked), resend, counts per day, SMS lengths."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import _, current_language, format_datetime
from models import Channel, OutboxStatus
from pages.frame import frame
from pages.messages import error_text, notify_error, notify_ok
from pages.session import require_user
from services.errors import ServiceError
from services.notify import admin as notify_admin
from services.policy import ADMINS


def _load(user_id: int, status: str, channel: str) -> tuple:
    with session_scope(read_only=True) as session:
        from models import User

        actor = session.get(User, user_id)
        rows = notify_admin.list_outbox(session, actor, OutboxStatus(status) if status else None,
                                        Channel(channel) if channel else None)
        return rows, notify_admin.counts_per_day(session, actor), notify_admin.status_totals(session, actor)


def _resend(user_id: int, message_id: int) -> None:
    with session_scope() as session:
        from models import User

        notify_admin.resend_failed(session, session.get(User, user_id), message_id)


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
    user = require_user(*ADMINS)
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
            try:
                rows, per_day, totals = await run.io_bound(_load, user.id, status.value or "", channel.value or "")
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
            try:
                await run.io_bound(_resend, user.id, message_id)
            except ServiceError as exc:
                notify_error(exc)
                return
            notify_ok(_("The message will be sent again."))
            results.refresh()

        status.on_value_change(results.refresh)
        channel.on_value_change(results.refresh)
        await results()
        await area_bot_card(user.id)
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


def _bots(user_id: int) -> tuple[dict[int, str], dict[int, str]]:
    from models import User
    from services.org.areas import area_label, areas_visible_to

    with session_scope(read_only=True) as session:
        actor = session.get(User, user_id)
        areas = {a.id: area_label(session, a.id) for a in areas_visible_to(session, actor)}
        return areas, notify_admin.area_bots(session, actor)


def _save_bot(user_id: int, area_id: int, url: str) -> None:
    from models import User

    with session_scope() as session:
        notify_admin.set_area_bot(session, session.get(User, user_id), area_id, url)


async def area_bot_card(user_id: int) -> None:
    """An area's own group bot; messages for areas without one go to the organisation's bots."""
    areas, bots = await run.io_bound(_bots, user_id)
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
            try:
                await run.io_bound(_save_bot, user_id, area.value, url.value or "")
            except ServiceError as exc:
                error.set_text(error_text(exc))
                return
            url.set_value("")
            notify_ok(_("Saved."))

        ui.button(_("Save"), icon="save", on_click=save).classes("min-h-[44px]").mark("bot-save")
