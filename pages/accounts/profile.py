"""Everyone's own profile: who they are, changing their password, choosing their language."""

from __future__ import annotations

from nicegui import app, run, ui

from core.db import session_scope
from core.i18n import LANGUAGES, _, current_language
from pages.community.service_posts import profile_posts
from pages.frame import frame
from pages.messages import error_text, notify_error, notify_ok
from pages.notify.channels import channels_card
from pages.session import renew_session, require_user
from services.accounts.users import ROLE_LABELS, change_own_password, own_account, set_language
from services.errors import ServiceError
from services.org.areas import area_label


@ui.page("/profile")
async def profile_page(must_change: str = "") -> None:
    user = require_user()
    if user is None:
        return
    forced = bool(must_change) or user.must_change_password
    with session_scope() as session:
        area = area_label(session, user.area_id)
    with frame(_("Profile"), user):
        if forced:
            with ui.card().classes("ds-card bg-amber-100").props("flat bordered").mark("must-change-banner"):
                with ui.row().classes("items-center no-wrap"):
                    ui.icon("lock_reset", size="32px").classes("text-amber-900")
                    ui.label(_("Choose a new password before you continue.")).classes("text-lg")
        with ui.card().classes("ds-card"):
            ui.label(user.name).classes("text-xl font-bold").mark("profile-name")
            ui.label(_(ROLE_LABELS[user.role])).mark("profile-role")
            ui.label(area or _("No area")).classes("text-gray-600").mark("profile-area")
            ui.label(user.username).classes("text-sm text-gray-500")
        profile_posts(user)
        password_card(user.id, forced)
        language_card()
        await channels_card(user)


def password_card(user_id: int | None, forced: bool) -> None:
    def change(current: str, new: str) -> None:
        with session_scope() as session:
            change_own_password(session, own_account(session, user_id or 0), current, new)

    async def submit() -> None:
        if require_user() is None:
            return
        error.set_text("")
        if (new.value or "") != (repeat.value or ""):
            error.set_text(_("The two passwords differ."))
            return
        try:
            # Argon2 verify and hash: off the event loop.
            await run.io_bound(change, current.value or "", new.value or "")
        except ServiceError as exc:
            error.set_text(error_text(exc))  # what was typed stays, so it can be corrected
            return
        # Other browsers signed in as this account are now signed out; this one stays signed in.
        renew_session()
        for field in (current, new, repeat):
            field.set_value("")
        notify_ok(_("Your password has been changed."))
        if forced:
            ui.navigate.to("/")

    with ui.card().classes("ds-card"):
        ui.label(_("Change password")).classes("text-lg font-medium")
        current = ui.input(_("Current password"), password=True, password_toggle_button=True).props(
            "outlined autocomplete=current-password").classes("w-full").mark("current-password")
        new = ui.input(_("New password"), password=True, password_toggle_button=True).props(
            "outlined autocomplete=new-password").classes("w-full").mark("new-password")
        repeat = ui.input(_("Repeat the new password"), password=True, password_toggle_button=True).props(
            "outlined autocomplete=new-password").classes("w-full").mark("repeat-password")
        error = ui.label().classes("text-negative").mark("password-error")
        ui.button(_("Change password"), icon="lock", on_click=submit).mark("change-password")


def language_card() -> None:
    def choose(language: str) -> None:
        user = require_user()
        if user is None:
            return
        try:
            with session_scope() as session:
                set_language(session, own_account(session, user.id or 0), language)
        except ServiceError as exc:
            notify_error(exc)
            return
        app.storage.user["lang"] = language
        ui.navigate.reload()

    with ui.card().classes("ds-card"):
        ui.label(_("Language")).classes("text-lg font-medium")
        ui.toggle(dict(LANGUAGES), value=current_language(),
                  on_change=lambda e: choose(e.value) if e.value != current_language() else None).mark(
            "language-choice")
