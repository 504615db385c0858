"""Coverage dashboard (/coverage, coordinators) and a member's own coverage (/me/coverage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from nicegui import ui
from sqlmodel import Session

from api.filters import filters_query
from core.config import get_settings
from core.i18n import _, format_date, format_number
from models import User
from pages.actions import load, page_user
from pages.callbacks.satisfaction import satisfaction_card
from pages.filters_bar import FilterBar, filter_choices
from pages.frame import frame
from services.households.coverage import (
    AreaCoverage,
    CoverageSummary,
    MemberOverdue,
    MonthlyVisits,
    OverdueHousehold,
    coverage_by_area,
    coverage_summary,
    overdue_by_member,
    overdue_households,
    visits_per_member_month,
)
from services.map.data import MapFilters
from services.org.clock import org_today
from services.policy import MANAGERS, VISITORS
from services.rollups.read import filters_held

CHART_MEMBERS = 10  # members drawn separately; the rest are summed up


@dataclass
class CoverageData:
    summary: CoverageSummary
    areas: list[AreaCoverage]
    members: list[MemberOverdue]
    overdue: list[OverdueHousehold]
    monthly: MonthlyVisits


def load_coverage(session: Session, user: User, filters: MapFilters) -> CoverageData:
    return CoverageData(coverage_summary(session, user, filters), coverage_by_area(session, user, filters),
                        overdue_by_member(session, user, filters), overdue_households(session, user, filters, 50),
                        visits_per_member_month(session, user, filters))


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


def stat_card(value: str, label: str, mark: str) -> None:
    with ui.card().classes("w-full").props("flat bordered").mark(mark):
        ui.label(value).classes("text-2xl font-bold")
        ui.label(label).classes("text-gray-600 text-sm")


def monthly_chart(monthly: MonthlyVisits) -> None:
    shown, rest = monthly.members[:CHART_MEMBERS], monthly.members[CHART_MEMBERS:]
    series = [{"name": name, "type": "bar", "stack": "visits", "data": counts} for _id, name, counts in shown]
    if rest:
        series.append({"name": _("Other members"), "type": "bar", "stack": "visits",
                       "data": [sum(m[2][i] for m in rest) for i in range(len(monthly.months))]})
    ui.echart({
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 12, "top": 16, "bottom": 56},
        "xAxis": {"type": "category", "data": monthly.months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    }).classes("w-full h-72").mark("chart-visits-per-member")


async def coverage_view(user: User, own: bool) -> None:
    tz = get_settings().time_zone
    today = org_today()
    bar = FilterBar(user, await load(filter_choices, user), (today - timedelta(days=29)).isoformat(),
                    today.isoformat())

    @ui.refreshable
    async def content() -> None:
        actor = await page_user(VISITORS if own else MANAGERS)
        if actor is None:
            return
        filters = bar.map_filters()
        with ui.row().classes("items-center gap-2") as waiting:
            ui.spinner(size="lg")
            if not own and not filters_held(filters.need_id, filters.member_id):  # every visit is counted
                ui.label(_("Counting …")).classes("text-gray-600").mark("coverage-counting")
        data = await load(load_coverage, actor, filters)
        waiting.delete()
        s = data.summary
        with ui.element("div").classes("w-full grid grid-cols-2 md:grid-cols-6 gap-3"):
            stat_card(f"{s.visited} / {s.households}", _("Households visited in the period ({share})")
                      .format(share=percent(s.visited_share)), "stat-visited")
            stat_card(str(s.overdue), _("Overdue for a visit"), "stat-overdue")
            stat_card(str(s.visits), _("Visits in the period"), "stat-visits")
            stat_card(f"{s.counted} · {s.pending} · {s.rejected}", _("Counted · pending review · rejected"),
                      "stat-review")
            stat_card(percent(s.verified_share), _("Verified at the household"), "stat-verified")
            stat_card(format_number(round(s.photos_per_visit, 1)), _("Photos per visit"), "stat-photos")
        await satisfaction_card(actor, filters.date_from, filters.date_to)
        with ui.card().classes("w-full"):
            ui.label(_("My visits per month") if own else _("Visits per member per month")).classes("font-medium")
            monthly_chart(data.monthly)
        if not own:
            with ui.row().classes("w-full gap-3 items-start"):
                with ui.card().classes("grow min-w-72"):
                    ui.label(_("Overdue by area")).classes("font-medium")
                    ui.table(columns=[
                        {"name": "area", "label": _("Area"), "field": "area", "align": "left"},
                        {"name": "overdue", "label": _("Overdue"), "field": "overdue"},
                        {"name": "households", "label": _("Households"), "field": "households"},
                        {"name": "visited", "label": _("Visited in period"), "field": "visited"},
                        {"name": "counted", "label": _("Visits counted"), "field": "counted"},
                        {"name": "pending", "label": _("Pending review"), "field": "pending"},
                        {"name": "rejected", "label": _("Rejected"), "field": "rejected"},
                    ], rows=[vars(r) for r in data.areas], row_key="area_id").props("dense flat") \
                        .classes("w-full").mark("table-areas")
                with ui.card().classes("grow min-w-72"):
                    ui.label(_("Overdue by member")).classes("font-medium")
                    ui.table(columns=[
                        {"name": "member", "label": _("Member"), "field": "member", "align": "left"},
                        {"name": "overdue", "label": _("Overdue"), "field": "overdue"},
                        {"name": "households", "label": _("Households"), "field": "households"},
                    ], rows=[{"member": r.member or _("Not paired"), "overdue": r.overdue,
                              "households": r.households, "id": r.member_id or 0} for r in data.members],
                        row_key="id").props("dense flat").classes("w-full").mark("table-members")
        with ui.card().classes("w-full"):
            ui.label(_("Overdue households")).classes("font-medium")
            if not data.overdue:
                ui.label(_("No household is overdue."))
            for row in data.overdue:
                with ui.row().classes("w-full items-center justify-between no-wrap text-sm"):
                    with ui.column().classes("gap-0"):
                        ui.link(row.head_name, f"/households/{row.household_id}")
                        ui.label(f"{row.area} · {', '.join(row.members) or _('Not paired')}").classes("text-gray-600")
                    ui.label(_("Never visited") if row.last_visit_at is None
                             else _("Last visit {date}").format(date=format_date(row.last_visit_at, tz))) \
                        .classes("text-negative text-right")
        if not own:
            query = filters_query(**bar.values())
            with ui.row().classes("items-center gap-2 text-sm"):
                ui.label(_("Export for these filters:")).classes("text-gray-600")
                for label, path in ((_("Coverage (CSV)"), "coverage.csv"), (_("Coverage (Excel)"), "coverage.xlsx"),
                                    (_("Households (Excel)"), "households.xlsx"), (_("Visits (Excel)"), "visits.xlsx")):
                    ui.link(label, f"/exports/{path}?{query}").props("download").mark(f"export-{path}")

    bar.on_change(content.refresh)
    await content()


@ui.page("/coverage")
async def coverage_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Coverage"), user):
        await coverage_view(user, own=False)


@ui.page("/me/coverage")
async def my_coverage_page() -> None:
    user = await page_user(VISITORS)
    if user is None:
        return
    with frame(_("My coverage"), user):
        await coverage_view(user, own=True)
