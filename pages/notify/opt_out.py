"""The public SMS opt-out page behind the short link in every resident SMS: one tap, then no more SMS."""

from __future__ import annotations

from nicegui import ui

from core.i18n import _
from pages.actions import in_worker, load
from pages.frame import frame
from services.notify.optout import link_state, stop_sms


@ui.page("/o/{token}")
async def opt_out_page(token: str) -> None:
    # Opening the link changes nothing (link previews open it too): the tap on the button does.
    state = await load(link_state, token)
    with frame(_("Stop SMS")), ui.card().classes("ds-card items-center text-center"):
        if state is None:
            ui.label(_("This link is not valid.")).classes("text-lg").mark("optout-invalid")
            return
        phone, done = state

        @ui.refreshable
        def body() -> None:
            if done_state["done"]:
                ui.icon("check_circle", size="48px").classes("text-positive")
                ui.label(_("No more SMS will be sent to {phone}.").format(phone=phone)).classes(
                    "text-lg").mark("optout-done")
                return
            ui.label(_("Stop all SMS from us to {phone}?").format(phone=phone)).classes("text-lg").mark(
                "optout-question")
            ui.button(_("Stop SMS"), icon="notifications_off", on_click=confirm).classes("min-h-[44px]").mark(
                "optout-confirm")

        async def confirm() -> None:
            await in_worker(stop_sms, token)
            done_state["done"] = True
            body.refresh()

        done_state = {"done": done}
        body()
