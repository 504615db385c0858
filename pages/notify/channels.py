"""The profile card where an account chooses how it is told things: in the app, by SMS, by e-mail."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui
from sqlmodel import Session

from core.i18n import _
from models import User
from pages.actions import perform
from pages.messages import error_text
from services.notify import admin as notify_admin


@dataclass(frozen=True)
class OwnChannels:
    in_app: bool
    sms: bool
    email: bool
    address: str
    has_phone: bool


def own_channels_view(session: Session, user: User) -> OwnChannels:
    """What the card shows for ``user`` (read with the rest of the profile page)."""
    choice = notify_admin.own_channels(session, user)
    return OwnChannels(choice.in_app, choice.sms and bool(user.phone), choice.email, choice.email_address,
                       bool(user.phone))


def channels_card(channels: OwnChannels) -> None:
    with ui.card().classes("ds-card").mark("channels-card"):
        ui.label(_("How we tell you")).classes("text-lg font-medium")
        in_app_box = ui.checkbox(_("In the app"), value=channels.in_app).classes("min-h-[44px]").mark(
            "channel-in-app")
        sms_box = ui.checkbox(_("SMS to my phone"), value=channels.sms).classes("min-h-[44px]").mark("channel-sms")
        if not channels.has_phone:
            sms_box.disable()
            ui.label(_("Your account has no phone number for SMS.")).classes("text-sm text-gray-600")
        email_box = ui.checkbox(_("E-mail"), value=channels.email).classes("min-h-[44px]").mark("channel-email")
        address_input = ui.input(_("E-mail address"), value=channels.address).props(
            "outlined type=email autocomplete=email").classes("w-full").mark("channel-email-address")
        error = ui.label().classes("text-negative").mark("channels-error")

        async def save() -> None:
            error.set_text("")
            # A refusal shows in place; the choices stay as ticked, to correct.
            await perform(notify_admin.save_own_channels, bool(in_app_box.value), bool(sms_box.value),
                          bool(email_box.value), address_input.value or "", done=_("Saved."),
                          on_error=lambda exc: error.set_text(error_text(exc)))

        ui.button(_("Save"), icon="save", on_click=save).classes("min-h-[44px]").mark("channels-save")
