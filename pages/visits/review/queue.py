"""The review queue (/review): visits of an area waiting for a coordinator, filterable by signal and state."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from sqlmodel import Session

from core.i18n import _
from models import ReviewState, User
from pages.actions import load, page_user
from pages.frame import frame
from pages.visits.cards import visit_card
from pages.visits.review.controls import card_actions
from services.org.areas import areas_visible_to
from services.policy import MANAGERS
from services.visits.records import VisitFilters, list_visits, photos_of, visit_dates
from services.visits.review.review import STATE_LABELS, review_details
from services.visits.review.signals import SIGNAL_LABELS

PENDING = "pending"


class LatestLoad:
    """Loads a refreshable list's cards off the event loop; a slow earlier load that a newer filter
    change overtook comes back as None, so that it does not draw over the newer list."""

    def __init__(self) -> None:
        self.current = 0

    async def cards(self, actor: User, filters: VisitFilters, limit: int = 100) -> tuple | None:
        self.current += 1
        call = self.current
        cards = await load(load_cards, actor, filters, limit)
        return cards if call == self.current else None


def show_cards(actor: User, cards: tuple[list, dict, dict, dict], refresh: Callable[[], object]) -> None:
    """Visit cards with the review controls or the answer box this viewer gets."""
    rows, photos, earlier, details = cards
    actions = card_actions(actor, details, refresh)
    for visit, hh, member in rows:
        visit_card(visit, member.name, photos.get(visit.id, []), earlier, title=f"{hh.head_name} · {hh.address}",
                   title_link=f"/households/{hh.id}", review=details.get(visit.id), actions=actions)


def load_cards(session: Session, actor: User, filters: VisitFilters, limit: int = 100) -> \
        tuple[list, dict, dict, dict]:
    """(rows, photos, earlier dates, review details) of a list of visit cards."""
    rows = list_visits(session, actor, filters, limit=limit)
    ids = [v.id for v, _h, _u in rows]
    photos = photos_of(session, ids)
    earlier = visit_dates(session, [p.duplicate_of_visit_id for ps in photos.values() for p in ps
                                    if p.duplicate_of_visit_id])
    return rows, photos, earlier, review_details(session, ids)


def signal_options() -> dict:
    return {None: _("All signals"), **{code: _(label) for code, label in SIGNAL_LABELS.items()}}


def state_options(with_pending: bool) -> dict:
    pending = {PENDING: _("Pending review")} if with_pending else {}
    return {**pending, None: _("All review states"), **{s.value: _(label) for s, label in STATE_LABELS.items()}}


def review_selects(state: str | None) -> tuple[ui.select, ui.select]:
    """The signal and review-state filters of a visit list (``state``: the one selected first)."""
    signal = ui.select(signal_options(), value=None, label=_("Signal")).classes("min-w-40").mark("filter-signal")
    review = ui.select(state_options(True), value=state, label=_("Review state")).classes("min-w-40").mark(
        "filter-review-state")
    return signal, review


def state_filters(value: str | None) -> dict:
    if value == PENDING:
        return {"pending_only": True}
    return {"review_state": ReviewState(value)} if value else {}


@ui.page("/review")
async def review_queue_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    areas = {a.id: a.name for a in await load(areas_visible_to, user)}
    with frame(_("Review queue"), user):
        with ui.card().classes("ds-card"), ui.row().classes("w-full gap-2 items-end"):
            area = ui.select({None: _("All my areas"), **areas}, value=None, label=_("Area")).classes(
                "min-w-40").mark("filter-area")
            signal, state = review_selects(PENDING)

        latest = LatestLoad()

        @ui.refreshable
        async def results() -> None:
            actor = await page_user(MANAGERS)
            if actor is None:
                return
            filters = VisitFilters(area_id=area.value, signal=signal.value, **state_filters(state.value))
            cards = await latest.cards(actor, filters)
            if cards is None:
                return
            ui.label(_("{n} visits").format(n=len(cards[0]))).classes("text-sm text-gray-600").mark("visit-count")
            if not cards[0]:
                ui.label(_("Nothing is waiting for review.")).mark("queue-empty")
            show_cards(actor, cards, results.refresh)

        for control in (area, signal, state):
            control.on_value_change(results.refresh)
        await results()
