"""A household's door card for coordinators: print it (or a new one), revoke a lost one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, current_language, format_date
from models import User
from models.common import utcnow
from pages.actions import page_user, perform
from pages.frame import frame, not_found_message
from pages.messages import notify_error, notify_ok
from services.door_cards.card_pdf import card_pdf
from services.door_cards.cards import CardStatus, card_status, print_card, revoke_card
from services.errors import NotFound, ServiceError
from services.policy import MANAGERS


def print_card_pdf(session: Session, actor: User, household_id: int, lang: str) -> bytes:
    """The card and its PDF in one transaction: no card is kept whose PDF could not be made."""
    now = utcnow()
    printed = print_card(session, actor, household_id, now)
    household = card_status(session, actor, household_id).household
    return card_pdf(household, printed.card, printed.code, lang, format_date(now, get_settings().time_zone, lang))


def _status_card(status: CardStatus, tz: str, do_print: Callable[[], Awaitable[None]],
                 confirm_revoke: Callable[[], Awaitable[None]]) -> None:
    """The household's card: in use or not, revoked ones, and the print and revoke buttons."""
    with ui.card().classes("ds-card"):
        ui.label(status.household.head_name).classes("text-lg font-medium")
        ui.label(status.household.address).classes("text-sm text-gray-600")
        if not status.area_uses_cards:
            ui.label(_("Door cards are not used in this household's area.")).mark("door-card-state")
            ui.link(_("Door cards by area"), "/door-cards")
            return
        if status.active:
            ui.label(_("Card no. {number} in use, printed {date}.").format(
                number=status.active.id, date=format_date(status.active.printed_at, tz))).mark("door-card-state")
        else:
            ui.label(_("No card in use.")).mark("door-card-state")
        if status.revoked_count:
            ui.label(_("Revoked cards: {n}").format(n=status.revoked_count)).classes("text-sm text-gray-600")
        ui.label(_("The code on the card is shown only in the printed PDF; it cannot be shown again. "
                   "A new card stops the card in use.")).classes("text-sm text-gray-600")
        with ui.row().classes("gap-2"):
            ui.button(_("Print a new card") if status.active else _("Print a card"), icon="print",
                      on_click=do_print).mark("print-door-card")
            if status.active:
                ui.button(_("Revoke the card (lost)"), icon="block", on_click=confirm_revoke).props(
                    "outline color=negative").mark("revoke-door-card")


async def _revoke_confirmed() -> bool:
    """Ask before revoking: scans of the card are refused from then on."""
    with ui.dialog() as dialog, ui.card():
        ui.label(_("Revoke this card? Scans of it will be refused from now on."))
        with ui.row():
            ui.button(_("Revoke"), on_click=lambda: dialog.submit(True)).props("color=negative").mark(
                "confirm-revoke")
            ui.button(_("Cancel"), on_click=lambda: dialog.submit(False)).props("flat")
    return bool(await dialog)


@ui.page("/households/{household_id}/door-card")
async def door_card_page(household_id: int) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    tz = get_settings().time_zone
    with frame(_("Door card"), user):
        body = ui.column().classes("w-full items-center gap-3")

    async def show() -> None:
        missing: list[NotFound] = []

        def refused(exc: ServiceError) -> None:
            if isinstance(exc, NotFound):
                missing.append(exc)
            else:
                notify_error(exc)

        # Opening the household is an audited read: a change, not a load.
        status: CardStatus | None = (await perform(card_status, household_id, roles=MANAGERS, on_error=refused)).value
        if status is None and not missing:
            return
        body.clear()
        with body:
            if status is None:
                not_found_message()
            else:
                _status_card(status, tz, do_print, confirm_revoke)

    async def do_print() -> None:
        printed = await perform(print_card_pdf, household_id, current_language(), roles=MANAGERS)
        if not printed or printed.value is None:  # refused: the message is shown
            return
        ui.download.content(printed.value, f"door-card-{household_id}.pdf", "application/pdf")
        notify_ok(_("Card printed. Give it to the household."))
        await show()

    async def confirm_revoke() -> None:
        if not await _revoke_confirmed():
            return
        await perform(revoke_card, household_id, roles=MANAGERS, refresh=show,
                      done=_("The card was revoked. Print a new one for the household."))

    await show()
