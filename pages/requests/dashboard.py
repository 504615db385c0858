"""Coordinator's request dashboard: open, overdue, time to close, on-time share and satisfaction for a
period, with CSV / XLSX export and the editable list of categories with their response times."""

from __future__ import annotations

from datetime import date, timedelta

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, current_language, format_number, labelled, time_zone_name
from models import User
from pages.actions import in_worker, load, page_user, perform
from pages.frame import frame
from pages.requests.cards import coordinator_alerts
from services.org.clock import org_today, parse_day
from services.policy import MANAGERS
from services.requests.feedback import open_alerts
from services.requests.stats import Dashboard, SatisfactionRow, build_dashboard, export_rows, to_csv, to_xlsx
from services.requests.tracking import categories, save_category


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{format_number(round(value * 100))}%"


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 48:
        return _("{n} days").format(n=format_number(round(value / 24, 1)))
    return _("{n} hours").format(n=format_number(round(value, 1)))


def summary_lines(board: Dashboard) -> list[tuple[str, str]]:
    return [
        (_("Requests raised"), str(board.raised)),
        (_("Still open"), str(board.open)),
        (_("Overdue"), str(board.overdue)),
        (_("Closed"), str(board.closed)),
        (_("Median time to close"), _hours(board.median_hours_to_close)),
        (_("Closed on time"), _percent(board.on_time_share)),
    ]


@ui.page("/requests/dashboard")
async def requests_dashboard_page(start: str = "", end: str = "") -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    tz = get_settings().time_zone
    today = org_today()
    alerts = await load(open_alerts, user)
    with frame(_("Request dashboard"), user):
        coordinator_alerts(user, alerts)
        with ui.row().classes("w-full gap-2 items-end"):
            first = ui.input(_("From"), value=(parse_day(start) or today - timedelta(days=29)).isoformat()).props(
                "type=date dense").mark("period-from")
            last = ui.input(_("To"), value=(parse_day(end) or today).isoformat()).props("type=date dense").mark(
                "period-to")
            ui.button(_("CSV"), icon="download", on_click=lambda: export("csv")).props("outline").mark("export-csv")
            ui.button(_("XLSX"), icon="download", on_click=lambda: export("xlsx")).props("outline").mark(
                "export-xlsx")
        ui.label(_("Requests raised in the period, days counted in {tz}.").format(tz=time_zone_name(tz))).classes(
            "text-xs text-gray-500")

        def period() -> tuple[date, date]:
            return (parse_day(first.value) or today - timedelta(days=29)), (parse_day(last.value) or today)

        @ui.refreshable
        async def figures() -> None:
            actor = await page_user(MANAGERS)
            if actor is None:
                return
            a, b = period()
            board = await load(build_dashboard, actor, a, b, tz, current_language())
            with ui.row().classes("w-full gap-3"):
                for label, value in summary_lines(board):
                    with ui.card().classes("min-w-36 grow").props("flat bordered"):
                        ui.label(value).classes("text-2xl font-bold").mark(f"figure-{label}")
                        ui.label(label).classes("text-gray-600 text-sm")
            satisfaction_table(_("Satisfaction by category"), _("Category"), board.by_category, "by-category")
            satisfaction_table(_("Satisfaction by member"), _("Member"), board.by_member, "by-member")

        async def export(kind: str) -> None:
            actor = await page_user(MANAGERS)
            if actor is None:
                return
            a, b = period()
            data = await _export(actor, a, b, tz, current_language(), kind)
            name = f"requests-{a.isoformat()}-{b.isoformat()}.{kind}"
            media = "text/csv" if kind == "csv" else \
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ui.download.content(data, name, media_type=media)

        first.on_value_change(figures.refresh)
        last.on_value_change(figures.refresh)
        await figures()
        await category_editor(user)


def export_data(session: Session, actor: User, first: date, last: date, tz: str, lang: str,
                with_board: bool) -> tuple[list[list[str]], Dashboard | None]:
    """The export's rows and, for the spreadsheet's summary sheet, the dashboard."""
    rows = export_rows(session, actor, first, last, tz, lang)
    return rows, build_dashboard(session, actor, first, last, tz, lang) if with_board else None


async def _export(actor: User, first: date, last: date, tz: str, lang: str, kind: str) -> bytes:
    """The CSV or XLSX file; read and written off the event loop, the summary translated on it."""
    rows, board = await load(export_data, actor, first, last, tz, lang, kind != "csv")
    if board is None:
        return await in_worker(to_csv, rows)
    summary = [(_("From"), first.isoformat()), (_("To"), last.isoformat()), *summary_lines(board)]
    for row in board.by_category:
        summary.append((labelled(_("Satisfaction by category"), row.label), _percent(row.share_satisfied)))
    for row in board.by_member:
        summary.append((labelled(_("Satisfaction by member"), row.label), _percent(row.share_satisfied)))
    return await in_worker(to_xlsx, rows, summary)


def satisfaction_table(title: str, first_column: str, rows: list[SatisfactionRow], marker: str) -> None:
    ui.label(title).classes("text-lg font-medium")
    if not rows:
        ui.label(_("No ratings in this period.")).classes("text-sm text-gray-500")
        return
    columns = [
        {"name": "label", "label": first_column, "field": "label", "align": "left"},
        {"name": "satisfied", "label": _("Satisfied"), "field": "satisfied"},
        {"name": "basically", "label": _("Basically satisfied"), "field": "basically"},
        {"name": "not_satisfied", "label": _("Not satisfied"), "field": "not_satisfied"},
        {"name": "share", "label": _("Satisfied or basically"), "field": "share"},
    ]
    data = [{"label": r.label, "satisfied": r.satisfied, "basically": r.basically, "not_satisfied": r.not_satisfied,
             "share": _percent(r.share_satisfied)} for r in rows]
    ui.table(columns=columns, rows=data, row_key="label").props("flat bordered dense wrap-cells").classes(
        "w-full").mark(marker)


async def category_editor(user: User) -> None:
    with ui.expansion(_("Categories and response times"), icon="tune").classes("w-full bg-white").mark(
            "category-editor"):
        @ui.refreshable
        async def editor() -> None:
            rows = await load(categories, active_only=False)
            for category in [*rows, None]:
                with ui.row().classes("w-full items-end gap-2"):
                    en = ui.input(_("English"), value=category.name_en if category else "").props("dense").classes(
                        "min-w-32 grow")
                    zh = ui.input(_("Chinese"), value=category.name_zh if category else "").props("dense").classes(
                        "min-w-32 grow")
                    hours = ui.number(_("Response time (hours)"), value=category.response_hours if category else 72,
                                      min=1, max=2160, step=1).props("dense").classes("w-36")
                    active = ui.checkbox(_("In use"), value=category.active if category else True)
                    fields = (en, zh, hours, active)
                    ui.button(_("Save") if category else _("Add"),
                              on_click=lambda c=category, f=fields: save(c.id if c else None, *f)).props(
                        "dense outline")

        async def save(category_id: int | None, en: ui.input, zh: ui.input, hours: ui.number,
                       active: ui.checkbox) -> None:
            await perform(save_category, en.value or "", zh.value or "", int(hours.value or 0), bool(active.value),
                          category_id, roles=MANAGERS, done=_("Saved."), refresh=editor.refresh)

        ui.label(_("A new response time applies to requests raised from now on.")).classes("text-xs text-gray-500")
        await editor()
