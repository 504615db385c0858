"""Two-step sign-in (TOTP) for coordinators and administrators: set up, or turn off."""

from __future__ import annotations

import segno
from nicegui import ui

from core.i18n import _
from models import User
from pages.actions import page_user, perform
from pages.frame import frame
from pages.messages import error_text
from services.accounts import auth
from services.accounts.users import disable_own_totp, enable_own_totp
from services.policy import SECOND_FACTOR_ROLES


@ui.page("/profile/2fa")
async def two_factor_page() -> None:
    user = await page_user(SECOND_FACTOR_ROLES)
    if user is None:
        return
    with frame(_("Two-step sign-in"), user):
        if user.totp_enabled:
            _enabled_card(user)
        else:
            _setup_card(user)


def _setup_card(user: User) -> None:
    # The secret lives only in this page until confirmed; after that it is never shown again.
    secret = auth.new_totp_secret()
    uri = auth.totp_uri(user, secret)

    async def confirm() -> None:
        error.set_text("")
        if await perform(enable_own_totp, secret, code.value or "", roles=SECOND_FACTOR_ROLES,
                         done=_("Two-step sign-in is on."), on_error=lambda exc: error.set_text(error_text(exc))):
            ui.navigate.to("/")

    with ui.card().classes("ds-card"):
        if auth.totp_required(user):
            ui.label(_("Your organisation requires two-step sign-in for your role. Set it up to continue.")).classes(
                "text-negative")
        ui.label(_("1. Scan this code with an authenticator app (e.g. Microsoft Authenticator, Google "
                   "Authenticator, FreeOTP).")).classes("text-gray-700")
        ui.image(segno.make(uri, error="m").svg_data_uri(scale=5, border=2)).classes("w-56 h-56 self-center").mark(
            "totp-qr")
        ui.label(_("Or type this key into the app:")).classes("text-sm text-gray-600")
        ui.label(" ".join(secret[i:i + 4] for i in range(0, len(secret), 4))).classes(
            "font-mono text-lg select-all").mark("totp-key")
        ui.label(_("2. Enter the 6-digit code the app shows.")).classes("text-gray-700")
        code = ui.input(_("Code")).props("autocomplete=one-time-code inputmode=numeric outlined maxlength=6").classes(
            "w-full").mark("totp-setup-code")
        code.on("keydown.enter", confirm)
        error = ui.label().classes("text-negative").mark("totp-setup-error")
        ui.button(_("Turn on two-step sign-in"), on_click=confirm).classes("w-full").mark("totp-enable")


def _enabled_card(user: User) -> None:
    async def turn_off() -> None:
        error.set_text("")
        if await perform(disable_own_totp, code.value or "", roles=SECOND_FACTOR_ROLES,
                         done=_("Two-step sign-in is off."), on_error=lambda exc: error.set_text(error_text(exc))):
            ui.navigate.reload()

    with ui.card().classes("ds-card"):
        ui.label(_("Two-step sign-in is on: signing in asks for a code from your authenticator app.")).classes(
            "text-positive")
        ui.label(_("Lost your phone? An administrator can remove the second step from your account.")).classes(
            "text-sm text-gray-600")
        if auth.totp_may_be_turned_off(user):
            code = ui.input(_("Code")).props("autocomplete=one-time-code inputmode=numeric outlined maxlength=6")
            code.classes("w-full").mark("totp-disable-code")
            error = ui.label().classes("text-negative")
            ui.button(_("Turn off two-step sign-in"), on_click=turn_off).props("outline").mark("totp-disable")
