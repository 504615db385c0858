"""Building blocks of the account pages: the account form, a confirmation dialog, a one-time password."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _
from models import Role, User
from services.accounts.users import ROLE_LABELS, UserForm, assignable_roles
from services.org.areas import area_label, areas_visible_to


def area_options(session: Session, actor: User) -> dict[int, str]:
    """Area id -> "Street office / Community" for the areas the actor may put an account in."""
    return {area.id: area_label(session, area.id) for area in areas_visible_to(session, actor) if area.id is not None}


def role_options(actor: User) -> dict[str, str]:
    return {role.value: _(ROLE_LABELS[role]) for role in assignable_roles(actor)}


class AccountFields:
    """The inputs of the account form; ``form()`` reads them into a UserForm for the services."""

    def __init__(self, actor: User, areas: dict[int, str], account: User | None = None) -> None:
        self.name = ui.input(_("Name"), value=account.name if account else "").props("outlined").classes(
            "w-full").mark("account-name")
        self.username = ui.input(_("Username"), value=account.username if account else "").props(
            "outlined autocomplete=off").classes("w-full").mark("account-username")
        self.phone = ui.input(_("Phone number (optional)"), value=(account.phone or "") if account else "").props(
            "outlined inputmode=tel").classes("w-full").mark("account-phone")
        roles = role_options(actor)
        role = account.role.value if account else Role.member.value
        if role not in roles:  # shown, though the actor could not assign it
            roles[role] = _(ROLE_LABELS[Role(role)])
        self.role = ui.select(roles, label=_("Role"), value=role).props("outlined").classes(
            "w-full").mark("account-role")
        area_id = account.area_id if account else actor.area_id
        self.area = ui.select(areas, label=_("Area"), value=area_id if area_id in areas else None,
                              clearable=actor.role == Role.admin).props("outlined").classes(
            "w-full").mark("account-area")
        self.is_leader = ui.checkbox(_("Team leader"), value=account.is_leader if account else False).mark(
            "account-leader")
        settings = get_settings()
        levels = {1: _("Level 1: {days} field days a year").format(days=settings.field_day_quota_level1),
                  2: _("Level 2: {days} field days a year").format(days=settings.field_day_quota_level2)}
        self.leader_level = ui.select(levels, label=_("Leadership level"),
                                      value=account.leader_level if account else 1).props("outlined dense").classes(
            "w-full").mark("account-leader-level").bind_visibility_from(self.is_leader, "value")

    def form(self) -> UserForm:
        return UserForm(
            username=self.username.value or "",
            name=self.name.value or "",
            phone=(self.phone.value or "").strip() or None,
            role=Role(self.role.value or Role.member.value),
            area_id=self.area.value,
            is_leader=bool(self.is_leader.value),
            leader_level=int(self.leader_level.value or 1),
        )


def confirm_dialog(question: str, confirm_label: str, action: Callable[[], Awaitable[None]],
                   marker: str) -> ui.dialog:
    """A dialog asking before a consequential step; ``action`` runs only after the confirm button."""
    async def confirmed() -> None:
        dialog.close()
        await action()

    with ui.dialog() as dialog, ui.card():
        ui.label(question)
        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(confirm_label, on_click=confirmed).props("color=negative").mark(marker)
    return dialog


def one_time_password(title: str, password: str) -> None:
    """Show a password once; it is not stored in readable form anywhere."""
    with ui.card().classes("ds-card bg-amber-50").props("flat bordered"):
        ui.label(title).classes("font-medium")
        ui.label(password).classes("text-2xl font-mono select-all").mark("one-time-password")
        ui.label(_("Give it to the person now: it is shown only once. "
                   "They must choose a new password when they sign in.")).classes("text-sm text-gray-600")
