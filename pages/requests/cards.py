"""Pieces of the request pages used elsewhere too: badges, timeline lines, the two-tap "raise a
request" dialog, "ask about request #…" with its rating dialog, and coordinators' alerts."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, current_language, format_date, format_datetime
from models import (
    EventKind,
    RequestAlert,
    RequestEvent,
    RequestSource,
    RequestStatus,
    Role,
    Satisfaction,
    ServiceRequest,
    User,
)
from models.common import max_length
from models.requests import RatingBase, ServiceRequestBase
from pages.actions import load, page_user, perform
from pages.messages import error_text, notify_ok
from services.policy import MANAGERS, REQUEST_ASSIGNEES, REQUEST_STAFF
from services.requests.feedback import (
    SATISFACTION_LABELS,
    PublicEntry,
    awaiting_rating,
    dismiss_alert,
    open_alerts,
    rate_on_behalf,
)
from services.requests.tracking import (
    STATUS_LABELS,
    RequestFilters,
    RequestInput,
    RequestRow,
    categories,
    category_name,
    is_overdue,
    list_requests,
    raise_request,
)

# The forms stop where the server would refuse (the models hold the limits).
DESCRIPTION_MAX = max_length(ServiceRequestBase, "description")
COMMENT_MAX = max_length(RatingBase, "comment")

STATUS_COLORS = {
    RequestStatus.new: "blue-grey", RequestStatus.assigned: "indigo", RequestStatus.in_progress: "orange",
    RequestStatus.resolved: "positive", RequestStatus.explained: "teal", RequestStatus.referred: "purple",
}


def status_badge(request_or_status: ServiceRequest | RequestStatus) -> None:
    status = request_or_status if isinstance(request_or_status, RequestStatus) else request_or_status.status
    ui.badge(_(STATUS_LABELS[status]), color=STATUS_COLORS[status]).mark(f"status-{status.value}")


def due_badge(request: ServiceRequest) -> None:
    tz = get_settings().time_zone
    if is_overdue(request):
        ui.badge(_("Overdue since {date}").format(date=format_date(request.due_at, tz)), color="negative").mark(
            "overdue")
    elif request.closed_at is None:
        ui.badge(_("Due {date}").format(date=format_date(request.due_at, tz)), color="grey-7")


def event_text(event: RequestEvent | PublicEntry, assignee_name: str = "", public: bool = False) -> str:
    """What the system says about an entry, in the reader's language; never a name on the public page."""
    if event.kind == EventKind.created:
        return _("Request received")
    if event.kind == EventKind.assigned:
        return _("Assigned to a staff member") if public else _("Assigned to {name}").format(name=assignee_name)
    if event.kind == EventKind.status and event.status == RequestStatus.referred:
        return _("Referred to {department}").format(department=event.detail)
    if event.kind == EventKind.status and event.status is not None:
        return _("Status: {status}").format(status=_(STATUS_LABELS[event.status]))
    if event.kind == EventKind.rating:
        label = SATISFACTION_LABELS.get(Satisfaction(event.detail)) if event.detail else None
        return _("Resident's rating: {rating}").format(rating=_(label) if label else "?")
    if event.kind == EventKind.reopened:
        return _("Reopened: the resident was not satisfied")
    if event.kind == EventKind.photo:
        return _("Photo added")
    return _("Note")


def request_title(request: ServiceRequest, category_label: str) -> str:
    return f"#{request.id} · {category_label}"


def request_row_card(request: ServiceRequest, category_label: str, subtitle: str = "") -> None:
    with ui.link(target=f"/requests/{request.id}").classes("no-underline text-inherit w-full").mark(
            f"request-{request.id}"):
        with ui.card().classes("ds-card").props("flat bordered"):
            with ui.row().classes("w-full items-center justify-between no-wrap gap-2"):
                ui.label(request_title(request, category_label)).classes("font-medium")
                status_badge(request)
            ui.label(request.description).classes("text-sm text-gray-700 line-clamp-2")
            with ui.row().classes("items-center gap-2"):
                due_badge(request)
                if subtitle:
                    ui.label(subtitle).classes("text-xs text-gray-500")


# --- what the pieces below show, read in one go off the event loop ------------------------------

def category_options(session: Session, lang: str) -> dict[int, str]:
    """The active request categories, for a "raise a request" form, in the reader's language."""
    return {c.id: category_name(c, lang) for c in categories(session) if c.id is not None}


@dataclass
class HouseholdRequests:
    """The household page's request section: ask-about list, the raise form's categories, the requests."""

    waiting: list[ServiceRequest] = field(default_factory=list)
    options: dict[int, str] = field(default_factory=dict)
    rows: list[RequestRow] = field(default_factory=list)


def household_requests_of(session: Session, user: User, household_id: int, lang: str) -> HouseholdRequests:
    if user.role not in REQUEST_STAFF:
        return HouseholdRequests()
    return HouseholdRequests(awaiting_rating(session, user, household_id), category_options(session, lang),
                             _household_rows(session, user, household_id))


def _household_rows(session: Session, user: User, household_id: int) -> list[RequestRow]:
    return list_requests(session, user, RequestFilters(state="all", household_id=household_id), limit=20)


@dataclass
class HomeRequests:
    """What the start page says about requests."""

    alerts: list[tuple[RequestAlert, ServiceRequest]] = field(default_factory=list)
    waiting: list[ServiceRequest] = field(default_factory=list)
    mine: int = 0
    mine_overdue: int = 0


def home_requests_of(session: Session, user: User) -> HomeRequests:
    data = HomeRequests(alerts=open_alerts(session, user) if user.role in MANAGERS else [])
    if user.role == Role.member:
        data.waiting = awaiting_rating(session, user)
    if user.role in REQUEST_ASSIGNEES:
        mine = list_requests(session, user, RequestFilters(view="mine"))
        data.mine, data.mine_overdue = len(mine), sum(1 for r in mine if r.overdue)
    return data


async def _call(callback: Callable[[], Any] | None) -> None:
    result = callback() if callback is not None else None
    if inspect.isawaitable(result):
        await result


# --- raising a request from a visit (two taps) -------------------------------------------------

def raise_request_button(household_id: int, options: dict[int, str], visit_id: str | None = None,
                         on_saved: Callable[[], Any] | None = None) -> None:
    """Tap one opens a short form (category, description); tap two saves it for this household."""
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-md"):
        ui.label(_("Raise a request")).classes("text-lg font-medium")
        category = ui.select(options, label=_("Category"), value=next(iter(options), None)).classes(
            "w-full").props("outlined").mark("request-category")
        text = ui.textarea(_("What does the resident ask for?")).props(
            f"outlined autogrow maxlength={DESCRIPTION_MAX} counter").classes("w-full").mark("request-description")
        sms = ui.checkbox(_("The resident agrees to SMS about this request (household phone)")).classes(
            "min-h-[44px]").mark("request-sms-consent")
        error = ui.label().classes("text-negative text-sm")

        async def save() -> None:
            raised = await perform(_raise, category.value or 0, text.value or "", household_id, visit_id,
                                   bool(sms.value), roles=REQUEST_STAFF,
                                   on_error=lambda exc: error.set_text(error_text(exc)))
            if not raised:
                return
            dialog.close()
            text.set_value("")
            notify_ok(_("Request #{id} raised.").format(id=raised.value))
            await _call(on_saved)

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save request"), icon="send", on_click=save).mark("save-request")
    ui.button(_("Raise a request"), icon="campaign", on_click=dialog.open).props("outline").classes("w-full").mark(
        "raise-request")


def _raise(session: Session, actor: User, category_id: int, description: str, household_id: int,
           visit_id: str | None, sms_consent: bool) -> int:
    # A member raises it at the door; a coordinator on this page is usually at a service point.
    source = RequestSource.visit if visit_id or actor.role == Role.member else RequestSource.service_point
    data = RequestInput(category_id=category_id, description=description, source=source,
                        household_id=household_id, visit_id=visit_id, sms_consent=sms_consent)
    return raise_request(session, actor, data).id  # type: ignore[return-value]


# --- closing the loop ----------------------------------------------------------------------------

def rating_dialog(request_id: int, on_saved: Callable[[], Any]) -> ui.dialog:
    """The resident's answer, recorded by a member or coordinator on their behalf."""
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-md"):
        ui.label(_("Is the resident satisfied with the answer to request #{id}?").format(id=request_id)).classes(
            "font-medium")
        choice = ui.radio({s.value: _(label) for s, label in SATISFACTION_LABELS.items()}).mark("rating-choice")
        comment = ui.textarea(_("Comment")).props(f"outlined autogrow maxlength={COMMENT_MAX}").classes("w-full").mark(
            "rating-comment")

        async def save() -> None:
            if not choice.value:
                ui.notify(_("Choose an answer."), type="warning")
                return
            if await perform(rate_on_behalf, request_id, Satisfaction(choice.value), comment.value or "",
                             roles=REQUEST_STAFF, done=_("The resident's answer was recorded.")):
                dialog.close()
                await _call(on_saved)

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save answer"), on_click=save).mark("save-rating")
    return dialog


def ask_about_requests(user: User, waiting: list[ServiceRequest], household_id: int | None = None) -> None:
    """"Ask about request #…": answered requests whose resident has not yet said if they are satisfied."""
    if user.role not in REQUEST_STAFF:
        return

    @ui.refreshable
    def panel(waiting: list[ServiceRequest]) -> None:
        if not waiting:
            return
        with ui.card().classes("ds-card bg-amber-50").props("flat bordered"):
            for request in waiting:
                with ui.row().classes("w-full items-center justify-between no-wrap gap-2"):
                    with ui.column().classes("gap-0"):
                        ui.label(_("Ask about request #{id}").format(id=request.id)).classes("font-medium").mark(
                            f"ask-{request.id}")
                        ui.label(request.description).classes("text-sm text-gray-700 line-clamp-1")
                    dialog = rating_dialog(request.id, reload)
                    ui.button(_("Record answer"), on_click=dialog.open).props("dense outline").mark(
                        f"rate-{request.id}")

    async def reload() -> None:
        actor = await page_user(REQUEST_STAFF)
        if actor is not None:
            panel.refresh(await load(awaiting_rating, actor, household_id))

    panel(waiting)


def household_requests(user: User, household_id: int, data: HouseholdRequests, visit_id: str | None = None) -> None:
    """The household page's request section: ask-about list, raise button, the household's requests."""
    if user.role not in REQUEST_STAFF:
        return
    ask_about_requests(user, data.waiting, household_id)

    @ui.refreshable
    def listing(rows: list[RequestRow]) -> None:
        lang = current_language()
        if rows:
            ui.label(_("Requests")).classes("text-lg font-medium")
        for row in rows:
            request_row_card(row.request, category_name(row.category, lang),
                             format_datetime(row.request.created_at, get_settings().time_zone))

    async def reload() -> None:
        actor = await page_user(REQUEST_STAFF)
        if actor is not None:
            listing.refresh(await load(_household_rows, actor, household_id))

    raise_request_button(household_id, data.options, visit_id, on_saved=reload)
    listing(data.rows)


def coordinator_alerts(user: User, alerts: list[tuple[RequestAlert, ServiceRequest]]) -> None:
    """Residents who were not satisfied: shown to the coordinators of the area until dismissed.

    ``alerts`` is ``open_alerts(session, user)``, read by the page with the rest of what it shows.
    """
    if user.role not in MANAGERS:
        return

    @ui.refreshable
    def panel(alerts: list[tuple[RequestAlert, ServiceRequest]]) -> None:
        for alert, request in alerts:
            with ui.card().classes("ds-card bg-red-50").props("flat bordered").mark(f"alert-{alert.id}"):
                with ui.row().classes("w-full items-center justify-between no-wrap gap-2"):
                    with ui.row().classes("items-center gap-2 no-wrap"):
                        ui.icon("sentiment_dissatisfied", color="negative")
                        ui.link(_("Request #{id}: the resident is not satisfied. It has been reopened.").format(
                            id=request.id), f"/requests/{request.id}").classes("text-negative")
                    ui.button(icon="close", on_click=lambda a=alert.id: dismiss(a)).props("flat round dense").mark(
                        f"dismiss-{alert.id}")


    async def dismiss(alert_id: int) -> None:
        await perform(dismiss_alert, alert_id, roles=MANAGERS)
        # Refreshed either way: an alert another coordinator dismissed meanwhile goes too.
        actor = await page_user(MANAGERS)
        if actor is not None:
            panel.refresh(await load(open_alerts, actor))

    panel(alerts)


def home_requests(user: User, data: HomeRequests) -> None:
    """What the start page says about requests: alerts for coordinators, ask-about for members."""
    coordinator_alerts(user, data.alerts)
    if user.role == Role.member:
        ask_about_requests(user, data.waiting)
    if user.role in REQUEST_ASSIGNEES and data.mine:
        text = _("{n} requests assigned to you").format(n=data.mine)
        if data.mine_overdue:
            text += " · " + _("{n} overdue").format(n=data.mine_overdue)
        ui.link(text, "/requests?view=mine").classes("text-primary font-medium").mark("my-requests-link")
