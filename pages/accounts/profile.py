"""Everyone's own profile: who they are, changing their password, choosing their language."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import app, ui
from sqlmodel import Session

from core.i18n import LANGUAGES, _, current_language
from models import PostAssignment, ServicePost, User
from pages.actions import load, page_user, perform
from pages.community.service_posts import profile_posts
from pages.frame import frame
from pages.messages import error_text, notify_ok
from pages.notify.channels import OwnChannels, channels_card, own_channels_view
from pages.session import renew_session
from services.accounts.users import ROLE_LABELS, update_own_language, update_own_password
from services.community.service_posts import member_posts
from services.org.areas import area_label


@dataclass(frozen=True)
class ProfileView:
    area: str
    posts: list[tuple[PostAssignment, ServicePost]]
    channels: OwnChannels


def profile_view(session: Session, user: User) -> ProfileView:
    return ProfileView(area_label(session, user.area_id), member_posts(session, user.id or 0),
                       own_channels_view(session, user))


@ui.page("/profile")
async def profile_page(must_change: str = "") -> None:
    user = await page_user()
    if user is None:
        return
    forced = bool(must_change) or user.must_change_password
    view = await load(profile_view, user)
    with frame(_("Profile"), user):
        if forced:
            with ui.card().classes("ds-card bg-amber-100").props("flat bordered").mark("must-change-banner"):
                with ui.row().classes("items-center no-wrap"):
                    ui.icon("lock_reset", size="32px").classes("text-amber-900")
                    ui.label(_("Choose a new password before you continue.")).classes("text-lg")
        with ui.card().classes("ds-card"):
            ui.label(user.name).classes("text-xl font-bold").mark("profile-name")
            ui.label(_(ROLE_LABELS[user.role])).mark("profile-role")
            ui.label(view.area or _("No area")).classes("text-gray-600").mark("profile-area")
            ui.label(user.username).classes("text-sm text-gray-500")
        profile_posts(view.posts)
        password_card(forced)
        language_card()
        channels_card(view.channels)


def password_card(forced: bool) -> None:
    async def submit() -> None:
        error.set_text("")
        if (new.value or "") != (repeat.value or ""):
            error.set_text(_("The two passwords differ."))
            return
        # Argon2 verify and hash run in the worker thread; a refusal shows in place and what was typed
        # stays, so it can be corrected.
        if not await perform(update_own_password, current.value or "", new.value or "",
                             on_error=lambda exc: error.set_text(error_text(exc))):
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
    async def choose(language: str) -> None:
        if await perform(update_own_language, language):
            app.storage.user["lang"] = language
            ui.navigate.reload()

    with ui.card().classes("ds-card"):
        ui.label(_("Language")).classes("text-lg font-medium")
        ui.toggle(dict(LANGUAGES), value=current_language(),
                  on_change=lambda e: choose(e.value) if e.value != current_language() else None).mark(
            "language-choice")
