"""The audit log for administrators: filter, page through, export as CSV (the export is audited)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nicegui import ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import _, format_datetime
from pages.frame import frame
from pages.messages import notify_error
from pages.session import require_user
from services import audit
from services.accounts.users import manageable_users
from services.errors import ServiceError
from services.org.clock import org_today
from services.policy import ADMINS

PAGE_SIZE = 50


def _day_start(text: str | None, tz: ZoneInfo) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(text or ""), time(0), tzinfo=tz)
    except ValueError:
        return None


@ui.page("/admin/audit")
def audit_page() -> None:
    user = require_user(*ADMINS)
    if user is None:
        return
    settings = get_settings()
    tz = ZoneInfo(settings.time_zone)
    with session_scope(read_only=True) as session:
        people = {u.id: f"{u.name} ({u.username})" for u in manageable_users(session, user)}
        actions = audit.action_names(session, user)
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
            end = _day_start(date_to.value, tz)
            return audit.AuditFilters(
                actor_id=actor.value, action=action.value or "", record_type=record_type.value or "",
                record_id=record_id.value or "", date_from=_day_start(date_from.value, tz),
                date_to=end + timedelta(days=1) if end else None,
            )

        @ui.refreshable
        def results() -> None:
            admin = require_user(*ADMINS)
            if admin is None:
                return
            with session_scope(read_only=True) as session:
                rows, total = audit.search(session, admin, filters(), limit=PAGE_SIZE, offset=state["offset"])
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

        def move(delta: int) -> None:
            state["offset"] = max(0, state["offset"] + delta)
            results.refresh()

        def apply() -> None:
            state["offset"] = 0
            results.refresh()

        def export() -> None:
            admin = require_user(*ADMINS)
            if admin is None:
                return
            try:
                with session_scope() as session:
                    data = audit.export_csv(session, admin, filters())
            except ServiceError as exc:
                notify_error(exc)
                return
            ui.download.content(data, f"doorstep-audit-{org_today().isoformat()}.csv", "text/csv")

        with ui.row().classes("gap-2"):
            ui.button(_("Search"), icon="search", on_click=apply).mark("audit-search")
            ui.button(_("Export CSV"), icon="download", on_click=export).props("outline").mark("audit-export")
        results()
