"""Coordinator's list of visits in their area, with filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nicegui import ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import _
from pages.frame import frame
from pages.session import require_user
from pages.visit_cards import visit_card
from services.households import list_households, members_for_pairing
from services.policy import MANAGERS
from services.visits import VisitFilters, list_visits, photos_of, visit_dates


def _day_start(text: str | None, tz: ZoneInfo) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(text or ""), time(0), tzinfo=tz)
    except ValueError:
        return None


@ui.page("/visits")
def visits_page() -> None:
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

        @ui.refreshable
        def results() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            end = _day_start(date_to.value, tz)
            filters = VisitFilters(member_id=member.value, household_id=household.value,
                                   date_from=_day_start(date_from.value, tz),
                                   date_to=end + timedelta(days=1) if end else None, verified=verified.value)
            with session_scope() as session:
                rows = list_visits(session, actor, filters, limit=200)
                photos = photos_of(session, [v.id for v, _h, _u in rows])
                earlier = visit_dates(session, [p.duplicate_of_visit_id for ps in photos.values() for p in ps
                                                if p.duplicate_of_visit_id])
            ui.label(_("{n} visits").format(n=len(rows))).classes("text-sm text-gray-600").mark("visit-count")
            for visit, hh, member_user in rows:
                visit_card(visit, member_user.name, photos.get(visit.id, []), earlier,
                           title=f"{hh.head_name} · {hh.address}", title_link=f"/households/{hh.id}")

        for control in (member, household, date_from, date_to, verified):
            control.on_value_change(results.refresh)
        results()
