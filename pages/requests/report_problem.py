"""The residents' way to the public request form, and the response time promised them."""

from __future__ import annotations

from nicegui import ui

from core.i18n import N_, _

REPORT_A_PROBLEM = N_("Report a problem")  # the residents' entry, its form's title and links back to it


def report_problem_entry() -> None:
    """The residents' way in, on pages without an account: a clear button to the public request form."""
    with ui.column().classes("w-full gap-1 items-stretch").mark("report-problem"):
        ui.button(_(REPORT_A_PROBLEM), icon="campaign", on_click=lambda: ui.navigate.to("/public/request")).props(
            "outline no-caps size=lg").classes("w-full")
        ui.label(_("For residents: no account needed; you get a tracking code.")).classes(
            "text-xs text-gray-600 text-center")


def promised_response_text(hours: int) -> str:
    """The category's promised response time, in days when it is whole days."""
    if hours % 24 == 0:
        days = hours // 24
        span = _("1 day") if days == 1 else _("{n} days").format(n=days)
    else:
        span = _("1 hour") if hours == 1 else _("{n} hours").format(n=hours)
    return _("We promise an answer within {time}.").format(time=span)
