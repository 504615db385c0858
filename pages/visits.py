"""Coordinator's list of visits in their area, with filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nicegui import run, ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import _
from models import ReviewState
from pages.frame import frame
from pages.messages import error_text
from pages.session import require_user
from pages.visit_review.queue import LatestLoad, review_selects, show_cards, state_filters
from services.errors import ServiceError
from services.households import list_households, members_for_pairing
from services.policy import MANAGERS
from services.visit_review.review import save_clean_approvals
from services.visits import VisitFilters


def _day_start(text: str | None, tz: ZoneInfo) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(text or ""), time(0), tzinfo=tz)
    except ValueError:
        return None


@ui.page("/visits")
async def visits_page() -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    settings = get_settings()
    tz = ZoneInfo(settings.time_zone)
    with session_scope() as session:
        members = {m.id: m.name for m in members_for_pairing(session, user)}
        households = {r.household.id: f"{r.household.head_name} · {r.household.address}"
                      for r in list_households(session, user, limit=5000)}
    with frame(_("Visits"), user):
        with ui.card().classes("ds-card"), ui.row().classes("w-full gap-2 items-end"):
            member = ui.select({None: _("All members"), **members}, value=None, label=_("Member"),
                               with_input=True).classes("min-w-40").mark("filter-member")
            household = ui.select({None: _("All households"), **households}, value=None, label=_("Household"),
                                  with_input=True).classes("min-w-60").mark("filter-household")
            date_from = ui.input(_("From")).props("type=date dense").mark("filter-from")
            date_to = ui.input(_("To")).props("type=date dense").mark("filter-to")
            verified = ui.select({None: _("All"), True: _("Verified"), False: _("Not verified")}, value=None,
                                 label=_("Verification")).classes("min-w-32").mark("filter-verified")
            signal, state = review_selects(None)

        latest = LatestLoad()

        @ui.refreshable
        async def results() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            end = _day_start(date_to.value, tz)
            filters = VisitFilters(member_id=member.value, household_id=household.value,
                                   date_from=_day_start(date_from.value, tz),
                                   date_to=end + timedelta(days=1) if end else None, verified=verified.value,
                                   signal=signal.value, **state_filters(state.value))
            cards = await latest.cards(actor, filters, 200)
            if cards is None:  # a newer filter change is loading: draw only that
                return
            rows = cards[0]
            clean = [v.id for v, _h, _u in rows if v.review_state == ReviewState.received and not v.signals]
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(_("{n} visits").format(n=len(rows))).classes("text-sm text-gray-600").mark("visit-count")
                if clean:
                    ui.button(_("Approve the {n} clean visits listed").format(n=len(clean)), icon="done_all",
                              on_click=lambda: approve(clean)).props("outline").mark("approve-clean")
            show_cards(actor, cards, results.refresh)

        async def approve(ids: list[str]) -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            try:
                n = await run.io_bound(save_clean_approvals, actor, ids)
            except ServiceError as exc:
                ui.notify(error_text(exc), type="negative")
                return
            ui.notify(_("{n} visits approved.").format(n=n), type="positive")
            results.refresh()

        for control in (member, household, date_from, date_to, verified, signal, state):
            control.on_value_change(results.refresh)
        await results()
