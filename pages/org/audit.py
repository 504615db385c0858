"""The audit log for administrators: filter, page through, export as CSV (the export is audited)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, format_datetime
from models import User
from pages.actions import load, page_user, perform
from pages.frame import frame
from services import audit
from services.accounts.users import manageable_users
from services.org.clock import day_start, org_today
from services.policy import ADMINS

PAGE_SIZE = 50


def audit_choices(session: Session, admin: User) -> tuple[dict[int, str], list[str]]:
    """The people and the action names the filters offer."""
    people = {u.id: f"{u.name} ({u.username})" for u in manageable_users(session, admin) if u.id is not None}
    return people, audit.action_names(session, admin)


@ui.page("/admin/audit")
async def audit_page() -> None:
    user = await page_user(ADMINS)
    if user is None:
        return
    settings = get_settings()
    tz = ZoneInfo(settings.time_zone)
    people, actions = await load(audit_choices, user)
    state = {"offset": 0}

    with frame(_("Audit log"), user):
        with ui.card().classes("ds-card"), ui.row().classes("w-full gap-2 items-end"):
            actor = ui.select({None: _("Everyone"), **people}, value=None, label=_("Who"),
                              with_input=True).classes("min-w-48").mark("audit-actor")
            action = ui.select({"": _("All actions"), **{a: a for a in actions}}, value="", label=_("Action"),
                               with_input=True, new_value_mode="add-unique").classes("min-w-48").mark("audit-action")
            record_type = ui.input(_("Record type")).props("dense").classes("w-32").mark("audit-record-type")
            record_id = ui.input(_("Record id")).props("dense").classes("w-32").mark("audit-record-id")
            date_from = ui.input(_("From")).props("type=date dense").mark("audit-from")
            date_to = ui.input(_("To")).props("type=date dense").mark("audit-to")

        def filters() -> audit.AuditFilters:
            end = day_start(date_to.value, tz)
            return audit.AuditFilters(
                actor_id=actor.value, action=action.value or "", record_type=record_type.value or "",
                record_id=record_id.value or "", date_from=day_start(date_from.value, tz),
                date_to=end + timedelta(days=1) if end else None,
            )

        @ui.refreshable
        async def results() -> None:
            admin = await page_user(ADMINS)
            if admin is None:
                return
            rows, total = await load(audit.search, admin, filters(), limit=PAGE_SIZE, offset=state["offset"])
            first = state["offset"] + 1 if rows else 0
            ui.label(_("{first}-{last} of {total} entries").format(
                first=first, last=state["offset"] + len(rows), total=total)).classes("text-sm").mark("audit-count")
            columns = [
                {"name": "at", "label": _("When"), "field": "at", "align": "left"},
                {"name": "who", "label": _("Who"), "field": "who", "align": "left"},
                {"name": "action", "label": _("Action"), "field": "action", "align": "left"},
                {"name": "record", "label": _("Record"), "field": "record", "align": "left"},
                {"name": "outcome", "label": _("Outcome"), "field": "outcome", "align": "left"},
            ]
            table_rows = [{
                "id": r.entry.id, "at": format_datetime(r.entry.at, settings.time_zone),
                "who": r.actor_username or (str(r.entry.actor_id) if r.entry.actor_id else "—"),
                "action": r.entry.action,
                "record": f"{r.entry.record_type} {r.entry.record_id}".strip(), "outcome": r.entry.outcome,
            } for r in rows]
            ui.table(columns=columns, rows=table_rows, row_key="id").props("dense flat").classes("w-full").mark(
                "audit-table")
            with ui.row().classes("gap-2"):
                ui.button(_("Newer"), icon="chevron_left", on_click=lambda: move(-PAGE_SIZE)).props(
                    "flat").set_enabled(state["offset"] > 0)
                ui.button(_("Older"), icon="chevron_right", on_click=lambda: move(PAGE_SIZE)).props(
                    "flat").set_enabled(state["offset"] + len(rows) < total)

        async def move(delta: int) -> None:
            state["offset"] = max(0, state["offset"] + delta)
            await results.refresh()

        async def apply() -> None:
            state["offset"] = 0
            await results.refresh()

        async def export() -> None:
            exported = await perform(audit.export_csv, filters(), roles=ADMINS)  # the export is audited
            if exported and exported.value is not None:
                ui.download.content(exported.value, f"doorstep-audit-{org_today().isoformat()}.csv", "text/csv")

        with ui.row().classes("gap-2"):
            ui.button(_("Search"), icon="search", on_click=apply).mark("audit-search")
            ui.button(_("Export CSV"), icon="download", on_click=export).props("outline").mark("audit-export")
        await results()
