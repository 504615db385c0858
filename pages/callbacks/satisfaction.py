"""The satisfaction card of the coverage pages: a member's own figures, or an area's by area and by member."""

from __future__ import annotations

from datetime import UTC, datetime

from nicegui import ui

from core.i18n import _
from models import User
from pages.actions import load
from services.callbacks.satisfaction import SatisfactionRow, describe, satisfaction_view

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


async def satisfaction_card(user: User, start: datetime | None, end: datetime | None) -> None:
    """Satisfaction in the period [start, end) (open ends: since the start, until now)."""
    own, by_area, by_member = await load(satisfaction_view, user, start or EARLIEST, end or datetime.now(UTC))
    with ui.card().classes("w-full gap-1").mark("satisfaction"):
        ui.label(_("Satisfaction")).classes("font-medium")
        ui.label(_("From callbacks (1-5) and from residents' ratings of request answers. With fewer than 5 "
                   "answers the answers are shown, not a percentage.")).classes("text-sm text-gray-600")
        if own is not None:
            figure_lines(own, "satisfaction-own")
            return
        for title, rows, marker in ((_("By area"), by_area, "satisfaction-areas"),
                                    (_("By member"), by_member, "satisfaction-members")):
            ui.label(title).classes("font-medium")
            if not rows:
                ui.label(_("No answers yet")).classes("text-sm")
            for row in rows:
                with ui.column().classes("w-full gap-0"):
                    ui.label(row.name).classes("text-sm font-medium")
                    figure_lines(row, f"{marker}-{row.key}")


def figure_lines(row: SatisfactionRow, marker: str) -> None:
    with ui.column().classes("w-full gap-0 text-sm").mark(marker):
        ui.label(_("Callbacks: {figure}").format(figure=describe(row.callbacks, _)))
        ui.label(_("Request ratings: {figure}").format(figure=describe(row.requests, _)))
