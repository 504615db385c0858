"""Account administration: list, create and edit accounts; reset passwords; deactivate and reactivate."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from sqlmodel import Session

from core.i18n import _
from models import Role, User
from pages.accounts.widgets import AccountFields, area_options, confirm_dialog, one_time_password
from pages.actions import load, page_user, perform
from pages.frame import frame, not_found_message
from pages.messages import error_text
from services.accounts.users import (
    ROLE_LABELS,
    create_user,
    generate_password,
    get_managed_user,
    manageable_users,
    reset_password,
    reset_totp,
    set_active,
    update_user,
)
from services.errors import NotFound
from services.org.areas import area_label
from services.policy import ADMINS, MANAGERS


def accounts_with_areas(session: Session, actor: User, search: str) -> list[tuple[User, str]]:
    labels: dict[int | None, str] = {}
    accounts = manageable_users(session, actor, search)
    for account in accounts:
        if account.area_id not in labels:
            labels[account.area_id] = area_label(session, account.area_id)
    return [(account, labels[account.area_id]) for account in accounts]


@ui.page("/admin/users")
async def accounts_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Accounts"), user):
        with ui.row().classes("w-full items-center no-wrap gap-2"):
            search = ui.input(placeholder=_("Search by name, username or phone")).props(
                "outlined dense clearable debounce=300").classes("grow").mark("account-search")
            ui.button(_("New account"), icon="person_add",
                      on_click=lambda: ui.navigate.to("/admin/users/new")).mark("new-account")

        @ui.refreshable
        async def account_list() -> None:
            actor = await page_user(MANAGERS)
            if actor is None:
                return
            accounts = await load(accounts_with_areas, actor, search.value or "")
            if not accounts:
                ui.label(_("No accounts found."))
            for account, area in accounts:
                account_card(account, area)

        search.on_value_change(account_list.refresh)
        await account_list()


def account_card(account: User, area: str) -> None:
    with ui.link(target=f"/admin/users/{account.id}").classes("no-underline text-inherit w-full"):
        with ui.card().classes("ds-card").props("flat bordered").mark(f"account-{account.username}"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(account.name).classes("text-lg font-medium")
                with ui.row().classes("gap-1"):
                    ui.badge(_(ROLE_LABELS[account.role]), color="secondary")
                    if account.is_leader:
                        ui.badge(_("Team leader"), color="accent")
                    if account.active:
                        ui.badge(_("Active"), color="positive")
                    else:
                        ui.badge(_("Deactivated"), color="negative")
            ui.label(" · ".join(part for part in (account.username, account.phone or "") if part)).classes(
                "text-sm text-gray-600")
            if area:
                ui.label(area).classes("text-sm text-gray-600")


@ui.page("/admin/users/new")
async def new_account_page() -> None:
    actor = await page_user(MANAGERS)
    if actor is None:
        return
    areas = await load(area_options, actor)

    async def submit() -> None:
        error.set_text("")
        password = (initial.value or "").strip() or generate_password()
        created = await perform(create_user, fields.form(), password, roles=MANAGERS,
                                on_error=lambda exc: error.set_text(error_text(exc)))  # the form stays as typed
        if not created:
            return
        account = created.value
        assert account is not None
        content.clear()
        with content:
            ui.label(_("Account created for {name}.").format(name=account.name)).classes("text-lg")
            one_time_password(_("Initial password"), password)
            with ui.row():
                ui.button(_("Open the account"), on_click=lambda: ui.navigate.to(f"/admin/users/{account.id}"))
                ui.button(_("Back to accounts"), on_click=lambda: ui.navigate.to("/admin/users")).props("flat")

    with frame(_("New account"), actor), ui.card().classes("ds-card self-center") as content:
        fields = AccountFields(actor, areas)
        initial = ui.input(_("Initial password (leave empty to generate one)")).props(
            "outlined autocomplete=new-password").classes("w-full").mark("initial-password")
        error = ui.label().classes("text-negative").mark("account-error")
        ui.button(_("Create account"), icon="person_add", on_click=submit).mark("create-account")


def account_view(session: Session, actor: User, user_id: int) -> tuple[User | None, dict[int, str]]:
    try:
        return get_managed_user(session, actor, user_id), area_options(session, actor)
    except NotFound:
        return None, {}


@ui.page("/admin/users/{user_id}")
async def account_page(user_id: str) -> None:
    actor = await page_user(MANAGERS)
    if actor is None:
        return
    account, areas = await load(account_view, actor, int(user_id) if user_id.isdigit() else 0)
    with frame(account.name if account else _("Account"), actor):
        if account is None:
            not_found_message()
            return
        edit_account(actor, account, areas)


def edit_account(actor: User, account: User, areas: dict[int, str]) -> None:
    user_id = account.id
    assert user_id is not None

    async def save() -> None:
        error.set_text("")
        await perform(update_user, user_id, fields.form(), roles=MANAGERS, done=_("Saved."),
                      on_error=lambda exc: error.set_text(error_text(exc)))

    with ui.card().classes("ds-card self-center"):
        fields = AccountFields(actor, areas, account)
        error = ui.label().classes("text-negative").mark("account-error")
        ui.button(_("Save"), icon="save", on_click=save).mark("save-account")
    # Defined per page: a module-level refreshable would refresh every browser's copy.
    @ui.refreshable
    def status(active: bool) -> None:
        account_status(actor, user_id, active, status.refresh)

    with ui.card().classes("ds-card self-center"):
        status(account.active)
    if actor.role == Role.admin and account.totp_enabled:
        second_factor(user_id)


def second_factor(user_id: int) -> None:
    """An admin removes a lost authenticator; the user sets a new one up after signing in again."""

    async def do_reset() -> None:
        if not await perform(reset_totp, user_id, roles=ADMINS):  # audited as user.totp_reset
            return
        box.clear()
        with box:
            ui.label(_("The second factor was removed. The user is signed out everywhere.")).mark("totp-was-reset")

    with ui.card().classes("ds-card self-center") as box:
        ui.label(_("Two-step sign-in is on for this account.")).classes("text-sm")
        ui.button(_("Reset second factor"), icon="phonelink_erase", on_click=do_reset).props("outline").mark(
            "reset-totp")


def account_status(actor: User, user_id: int, active: bool, changed: Callable[[bool], None]) -> None:
    """Password reset and (de)activation, each behind a confirmation."""
    password_box = ui.column().classes("w-full")

    async def do_reset() -> None:
        temporary = await perform(reset_password, user_id, roles=MANAGERS)
        if temporary:
            password_box.clear()
            with password_box:
                one_time_password(_("Temporary password"), temporary.value or "")

    async def do_set_active() -> None:
        if await perform(set_active, user_id, not active, roles=MANAGERS,
                         done=_("Account reactivated.") if not active else _("Account deactivated.")):
            changed(not active)

    with ui.row().classes("w-full items-center justify-between"):
        if active:
            ui.badge(_("Active"), color="positive").mark("account-state")
        else:
            ui.badge(_("Deactivated"), color="negative").mark("account-state")
        with ui.row().classes("gap-2"):
            if user_id == actor.id:  # one's own password and account are handled on the profile page
                ui.button(_("Change password"), icon="person", on_click=lambda: ui.navigate.to("/profile")).props(
                    "outline")
                return
            reset_dialog = confirm_dialog(
                _("Reset the password? The person is signed out everywhere and needs the temporary password."),
                _("Reset password"), do_reset, "confirm-reset")
            ui.button(_("Reset password"), icon="lock_reset", on_click=reset_dialog.open).props(
                "outline").mark("reset-password")
            if active:
                dialog = confirm_dialog(_("Deactivate this account? The person is signed out at once."),
                                        _("Deactivate"), do_set_active, "confirm-deactivate")
                ui.button(_("Deactivate"), icon="block", on_click=dialog.open).props(
                    "outline color=negative").mark("deactivate")
            else:
                dialog = confirm_dialog(_("Reactivate this account?"), _("Reactivate"), do_set_active,
                                        "confirm-reactivate")
                ui.button(_("Reactivate"), icon="check_circle", on_click=dialog.open).props(
                    "outline").mark("reactivate")
