"""Coordinator's list of visits in their area: filters (review state and signals too) and the page
position live in the URL; clean visits on the page can be approved at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from nicegui import ui
from sqlmodel import Session
from starlette.requests import Request

from core.config import get_settings
from core.i18n import _
from models import Photo, ReviewState, User
from pages.actions import load, page_user, perform
from pages.frame import frame
from pages.visits.cards import visit_card
from pages.visits.review.controls import card_actions
from pages.visits.review.queue import signal_options, state_filters, state_options
from services.households.records import members_for_pairing
from services.org.clock import day_start
from services.paging.cursor import Page
from services.paging.visits import VisitRow, count_visits, visit_page
from services.policy import MANAGERS
from services.visits.records import VisitFilters, photos_of, visit_dates
from services.visits.review.review import ReviewDetails, approve_clean, review_details
from services.visits.review.signals import SIGNAL_LABELS

FILTER_KEYS = ("member", "household", "q", "from", "to", "verified", "signal", "state")


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _state(params: dict[str, str]) -> str | None:
    value = params.get("state") or None
    return value if value in state_options(True) else None


def filters_from(params: dict[str, str]) -> VisitFilters:
    end = day_start(params.get("to"))
    verified = {"1": True, "0": False}.get(params.get("verified", ""))
    signal = params.get("signal") if params.get("signal") in SIGNAL_LABELS else None
    return VisitFilters(member_id=_int(params.get("member")), household_id=_int(params.get("household")),
                        date_from=day_start(params.get("from")), date_to=end + timedelta(days=1) if end else None,
                        verified=verified, search=params.get("q", "")[:100], signal=signal,
                        **state_filters(_state(params)))


@dataclass
class Loaded:
    page: Page[VisitRow]
    total: int
    photos: dict[str, list[Photo]]
    earlier: dict[str, datetime]
    details: dict[str, ReviewDetails]
    members: dict[int, str]


def visit_list(session: Session, actor: User, filters: VisitFilters, after: str | None, before: str | None) -> Loaded:
    page = visit_page(session, actor, filters, after, before, get_settings().list_page_size)
    ids = [v.id for v, _h, _u in page.rows]
    photos = photos_of(session, ids)
    earlier = visit_dates(session, [p.duplicate_of_visit_id for ps in photos.values() for p in ps
                                    if p.duplicate_of_visit_id])
    members = {m.id: m.name for m in members_for_pairing(session, actor) if m.id is not None}
    return Loaded(page, count_visits(session, actor, filters), photos, earlier, review_details(session, ids), members)


def url_with(params: dict[str, str], **changes: str | None) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v}
    return "/visits" + (f"?{urlencode(merged)}" if merged else "")


@ui.page("/visits")
async def visits_page(request: Request) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    params = {k: v for k, v in request.query_params.items() if k in (*FILTER_KEYS, "after", "before", "page")}
    filters_only = {k: v for k, v in params.items() if k in FILTER_KEYS}
    number = max(1, _int(params.get("page")) or 1)
    data = await load(visit_list, user, filters_from(params), params.get("after"), params.get("before"))
    with frame(_("Visits"), user):
        # Folded on a phone so the visits come first; open when a filter is set.
        with ui.expansion(_("Filters"), icon="filter_list", value=bool(filters_only)).classes(
                "ds-card bg-white rounded").props("dense").mark("filters"), ui.row().classes("w-full gap-2 items-end"):
            member = ui.select({None: _("All members"), **data.members}, label=_("Member"), with_input=True,
                               value=_int(params.get("member")) if _int(params.get("member")) in data.members
                               else None).classes("min-w-40").mark("filter-member")
            search = ui.input(_("Household name or address"), value=params.get("q", "")).props(
                "clearable debounce=500").classes("min-w-60").mark("filter-household")
            date_from = ui.input(_("From"), value=params.get("from", "")).props("type=date dense").mark("filter-from")
            date_to = ui.input(_("To"), value=params.get("to", "")).props("type=date dense").mark("filter-to")
            verified = ui.select({"": _("All"), "1": _("Verified"), "0": _("Not verified")},
                                 value=params.get("verified", "") if params.get("verified") in ("1", "0") else "",
                                 label=_("Verification")).classes("min-w-32").mark("filter-verified")
            signal = ui.select(signal_options(), label=_("Signal"),
                               value=params.get("signal") if params.get("signal") in SIGNAL_LABELS else None,
                               ).classes("min-w-40").mark("filter-signal")
            state = ui.select(state_options(True), value=_state(params), label=_("Review state")).classes(
                "min-w-40").mark("filter-review-state")
            if params.get("household"):
                ui.button(_("All households"), icon="close",
                          on_click=lambda: ui.navigate.to(url_with(filters_only, household=None))).props(
                    "outline no-caps").mark("filter-household-clear")

        def apply() -> None:
            # New filters start again at the first page; the URL keeps them (reload, back, a shared link).
            ui.navigate.to(url_with({"household": params.get("household", "")}, member=str(member.value or ""),
                                    q=search.value or "", verified=verified.value or "", signal=signal.value or "",
                                    state=state.value or "",
                                    **{"from": date_from.value or "", "to": date_to.value or ""}))

        for control in (member, search, date_from, date_to, verified, signal, state):
            control.on_value_change(apply)

        rows = data.page.rows
        clean = [v.id for v, _h, _u in rows if v.review_state == ReviewState.received and not v.signals]

        async def approve() -> None:
            approved = await perform(approve_clean, clean, roles=MANAGERS)
            if approved:
                ui.notify(_("{n} visits approved.").format(n=approved.value), type="positive")
                ui.navigate.reload()

        with ui.row().classes("w-full items-center justify-between"):
            ui.label(_("{n} visits · page {page}").format(n=data.total, page=number)).classes(
                "text-sm text-gray-600").mark("visit-count")
            if clean:
                ui.button(_("Approve the {n} clean visits listed").format(n=len(clean)), icon="done_all",
                          on_click=approve).props("outline").mark("approve-clean")
        actions = card_actions(user, data.details, ui.navigate.reload)
        for visit, hh, member_user in rows:
            visit_card(visit, member_user.name, data.photos.get(visit.id, []), data.earlier,
                       title=f"{hh.head_name} · {hh.address}", title_link=f"/households/{hh.id}",
                       review=data.details.get(visit.id), actions=actions)
        pager(filters_only, data.page, number)


def pager(filters_only: dict[str, str], page: Page, number: int) -> None:
    with ui.row().classes("ds-card w-full justify-between items-center no-wrap gap-2").mark("pager"):
        if page.previous_before:
            ui.link(_("Newer"), url_with(filters_only, before=page.previous_before, page=str(number - 1))).classes(
                "text-primary font-medium p-3").mark("page-newer")
        else:
            ui.label("")
        if number > 1:
            ui.link(_("Newest"), url_with(filters_only)).classes("text-primary p-3").mark("page-first")
        if page.next_after:
            ui.link(_("Older"), url_with(filters_only, after=page.next_after, page=str(number + 1))).classes(
                "text-primary font-medium p-3").mark("page-older")
        else:
            ui.label("")
