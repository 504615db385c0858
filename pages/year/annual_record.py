"""The annual record: a member's own year (/me/record), any member's within a coordinator's area
(/records/{id}, audited), the area summary table (/records), and XLSX / PDF exports."""

from __future__ import annotations

from nicegui import ui

from core.i18n import _
from models import Role, User
from pages.actions import in_worker, page_user, perform
from pages.frame import frame, not_found_message
from pages.messages import error_text, notify_error
from services.callbacks.satisfaction import headline
from services.errors import NotFound, ServiceError
from services.org.calendar_year import current_year
from services.policy import FIELD_STAFF, MANAGERS, YEAR_KEEPERS
from services.year.annual_record import (
    AnnualRecord,
    annual_record,
    area_summary,
    record_rows,
    summary_table,
    to_pdf,
    to_xlsx,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def year_picker(year: int, path: str) -> None:
    this = current_year()
    with ui.row().classes("items-center gap-2"):
        ui.select({y: str(y) for y in range(this, this - 6, -1)}, value=year, label=_("Year"),
                  on_change=lambda e: ui.navigate.to(f"{path}?year={e.value}")).props("outlined dense").classes(
            "w-32").mark("record-year")


@ui.page("/me/record")
async def my_record_page(year: int = 0) -> None:
    user = await page_user(YEAR_KEEPERS)
    if user is None:
        return
    await show_record(user, YEAR_KEEPERS, user.id or 0, year or current_year(), "/me/record")


@ui.page("/records/{member_id}")
async def member_record_page(member_id: int, year: int = 0) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    await show_record(user, MANAGERS, member_id, year or current_year(), f"/records/{member_id}")


def refused(exc: ServiceError) -> None:
    """A record that is not the reader's to see reads as not found."""
    if isinstance(exc, NotFound):
        not_found_message()
    else:
        ui.label(error_text(exc)).classes("text-negative")


async def show_record(user: User, roles: frozenset[Role], member_id: int, year: int, path: str) -> None:
    refusal: list[ServiceError] = []
    # Through perform: a coordinator's reading is written to the audit log.
    found = await perform(annual_record, member_id, year, roles=roles, on_error=refusal.append)
    if not found and not refusal:
        return  # signed out meanwhile: sent on already
    with frame(_("Annual record"), user):
        if refusal:
            refused(refusal[0])
            return
        record = found.value
        assert record is not None
        with ui.row().classes("w-full items-end justify-between gap-2"):
            year_picker(year, path)
            with ui.row().classes("gap-2"):
                ui.button(_("XLSX"), icon="download", on_click=lambda: export(record, "xlsx")).props("outline").mark(
                    "export-xlsx")
                ui.button(_("PDF"), icon="picture_as_pdf", on_click=lambda: export(record, "pdf")).props(
                    "outline").mark("export-pdf")
        record_view(record)


def record_view(record: AnnualRecord) -> None:
    with ui.card().classes("ds-card gap-1 bg-red-50").props("flat bordered"):
        ui.label(record.name).classes("text-2xl font-bold").mark("record-name")
        ui.label(_("{area} · {year}").format(area=record.area, year=record.year)).classes("text-gray-700")
        if record.posts:
            with ui.row().classes("gap-1"):
                for post in record.posts:
                    ui.badge(post, color="secondary").props("outline")
    with ui.element("div").classes("w-full grid grid-cols-2 sm:grid-cols-4 gap-3"):
        for value, label, marker in (
            (str(record.visits), _("Visits"), "visits"),
            (_percent(record.verified_share), _("Verified visits"), "verified"),
            (headline(record.request_satisfaction, _), _("Residents' satisfaction"), "satisfaction"),
            (headline(record.callback_satisfaction, _), _("Satisfaction in callbacks"), "callback-satisfaction"),
            (f"{record.commitments_kept}/{record.commitments}", _("Commitments kept"), "commitments"),
        ):
            with ui.card().classes("items-center gap-0").props("flat bordered"):
                ui.label(value).classes("text-3xl font-bold text-primary").mark(f"record-{marker}")
                ui.label(label).classes("text-sm text-gray-600 text-center")
    with ui.card().classes("ds-card p-0"):
        with ui.element("table").classes("w-full text-sm").mark("record-table"):
            for label, value in record_rows(record, _):
                with ui.element("tr").classes("border-b border-gray-100"):
                    with ui.element("td").classes("p-2 text-gray-600"):
                        ui.label(label)
                    with ui.element("td").classes("p-2 font-medium text-right"):
                        ui.label(value)


def _file(title: str, table: list, kind: str) -> bytes:
    return to_xlsx(title, table) if kind == "xlsx" else to_pdf(title, table)


async def export(record: AnnualRecord, kind: str) -> None:
    if await page_user(FIELD_STAFF) is None:
        return
    title = _("Annual record {year}: {name}").format(year=record.year, name=record.name)
    table = [[_("Item"), _("Figure")], *[list(row) for row in record_rows(record, _)]]
    try:
        data = await in_worker(_file, title, table, kind)
    except ServiceError as exc:
        notify_error(exc)
        return
    ui.download.content(data, f"record-{record.year}-{record.member_id}.{kind}",
                        media_type=XLSX if kind == "xlsx" else "application/pdf")


@ui.page("/records")
async def records_page(year: int = 0) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    year = year or current_year()
    refusal: list[ServiceError] = []
    # Through perform: reading the area summary is written to the audit log.
    summary = await perform(area_summary, year, roles=MANAGERS, on_error=refusal.append)
    if not summary and not refusal:
        return
    with frame(_("Annual records"), user):
        if refusal:
            refused(refusal[0])
            return
        records = summary.value or []
        with ui.row().classes("w-full items-end justify-between gap-2"):
            year_picker(year, "/records")
            with ui.row().classes("gap-2"):
                ui.button(_("XLSX"), icon="download", on_click=lambda: export_summary("xlsx")).props("outline").mark(
                    "export-summary-xlsx")
                ui.button(_("PDF"), icon="picture_as_pdf", on_click=lambda: export_summary("pdf")).props(
                    "outline").mark("export-summary-pdf")
        table = summary_table(records, _)
        columns = [{"name": str(i), "label": h, "field": str(i), "align": "left" if i == 0 else "right",
                    "sortable": True} for i, h in enumerate(table[0])]
        rows = [{"id": r.member_id, **{str(i): v for i, v in enumerate(row)}} for r, row in zip(records, table[1:],
                                                                                              strict=True)]
        grid = ui.table(columns=columns, rows=rows, row_key="id").props("flat bordered dense wrap-cells").classes(
            "w-full").mark("records-table")
        grid.on("rowClick", lambda e: ui.navigate.to(f"/records/{e.args[1]['id']}?year={year}"))
        ui.label(_("Tap a row to open that member's record.")).classes("text-xs text-gray-500")

        async def export_summary(kind: str) -> None:
            if await page_user(MANAGERS) is None:
                return
            title = _("Annual records {year}").format(year=year)
            try:
                data = await in_worker(_file, title, table, kind)
            except ServiceError as exc:
                notify_error(exc)
                return
            ui.download.content(data, f"records-{year}.{kind}", media_type=XLSX if kind == "xlsx" else
                                "application/pdf")
