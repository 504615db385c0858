"""Hours served per person over a period, for the coordinator's area, with exports."""

from __future__ import annotations

from datetime import date, timedelta

from nicegui import ui

from core.i18n import _, to_local
from models.common import utcnow
from pages.actions import in_worker, load, page_user
from pages.events.admin.editing import local_datetime
from pages.events.browse import tz
from pages.frame import frame
from services.events.attendance import (
    PersonHours,
    hours_by_person,
    hours_table,
    to_csv,
    to_xlsx,
)
from services.policy import MANAGERS


@ui.page("/admin/hours")
async def hours_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    today = to_local(utcnow(), tz()).date()
    with frame(_("Hours per person"), user):
        with ui.card().classes("ds-card"), ui.row().classes("w-full gap-2 items-end"):
            date_from = ui.input(_("From"), value=date(today.year, 1, 1).isoformat()).props("type=date dense")
            date_to = ui.input(_("To"), value=today.isoformat()).props("type=date dense")
            ui.button("CSV", icon="download", on_click=lambda: export("csv")).props("outline dense")
            ui.button("XLSX", icon="download", on_click=lambda: export("xlsx")).props("outline dense")

        async def rows() -> list[PersonHours] | None:
            actor = await page_user(MANAGERS)
            start, end = local_datetime(date_from.value, "00:00"), local_datetime(date_to.value, "00:00")
            if actor is None or start is None or end is None:
                return None
            return await load(hours_by_person, actor, start, end + timedelta(days=1))

        @ui.refreshable
        async def table() -> None:
            people = await rows()
            if not people:
                ui.label(_("No hours in this period.")).classes("text-gray-600")
                return
            ui.table(columns=[{"name": "name", "label": _("Name"), "field": "name", "align": "left"},
                              {"name": "events", "label": _("Events"), "field": "events"},
                              {"name": "hours", "label": _("Hours"), "field": "hours", "sortable": True},
                              {"name": "no_shows", "label": _("No-shows"), "field": "no_shows"}],
                     rows=[{"name": p.name, "events": p.events, "hours": p.hours, "no_shows": p.no_shows}
                           for p in people], row_key="name").classes("ds-card").props("flat bordered dense")

        async def export(kind: str) -> None:
            people = await rows()
            if people is None:
                return
            data = hours_table(people, _)
            name = f"hours-{date_from.value}-{date_to.value}"
            if kind == "csv":
                ui.download.content(await in_worker(to_csv, data), f"{name}.csv", "text/csv")
            else:
                ui.download.content(await in_worker(to_xlsx, data, _("Hours")), f"{name}.xlsx",
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

        date_from.on_value_change(table.refresh)
        date_to.on_value_change(table.refresh)
        await table()
