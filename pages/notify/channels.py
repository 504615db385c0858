"""The profile card where an account chooses how it is told things: in the app, by SMS, by e-mail."""

from __future__ import annotations

from nicegui import run, ui

from core.db import session_scope
from core.i18n import _
from models import User
from pages.messages import error_text, notify_ok
from pages.session import require_user
from services.errors import ServiceError
from services.notify import admin as notify_admin


def _load(user_id: int) -> tuple[bool, bool, bool, str, bool]:
    with session_scope(read_only=True) as session:
        user = session.get(User, user_id)
        choice = notify_admin.own_channels(session, user)
        return choice.in_app, choice.sms and bool(user.phone), choice.email, choice.email_address, bool(user.phone)


def _save(user_id: int, in_app: bool, sms: bool, email: bool, address: str) -> None:
    with session_scope() as session:
        notify_admin.save_own_channels(session, session.get(User, user_id), in_app, sms, email, address)


async def channels_card(user: User) -> None:
    in_app, sms, email, address, has_phone = await run.io_bound(_load, user.id)
    with ui.card().classes("ds-card").mark("channels-card"):
        ui.label(_("How we tell you")).classes("text-lg font-medium")
        in_app_box = ui.checkbox(_("In the app"), value=in_app).classes("min-h-[44px]").mark("channel-in-app")
        sms_box = ui.checkbox(_("SMS to my phone"), value=sms).classes("min-h-[44px]").mark("channel-sms")
        if not has_phone:
            sms_box.disable()
            ui.label(_("Your account has no phone number for SMS.")).classes("text-sm text-gray-600")
        email_box = ui.checkbox(_("E-mail"), value=email).classes("min-h-[44px]").mark("channel-email")
        address_input = ui.input(_("E-mail address"), value=address).props(
            "outlined type=email autocomplete=email").classes("w-full").mark("channel-email-address")
        error = ui.label().classes("text-negative").mark("channels-error")

        async def save() -> None:
            if require_user() is None:
                return
            error.set_text("")
            try:
                await run.io_bound(_save, user.id, bool(in_app_box.value), bool(sms_box.value),
                                   bool(email_box.value), address_input.value or "")
            except ServiceError as exc:
                error.set_text(error_text(exc))  # the choices stay as ticked, to correct
                return
            notify_ok(_("Saved."))

        ui.button(_("Save"), icon="save", on_click=save).classes("min-h-[44px]").mark("channels-save")
