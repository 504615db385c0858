"""Residents' requests for staff: the list (mine / all I may see) and one request with its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nicegui import events, ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import N_, _, current_language, format_datetime
from models import Household, RequestSource, RequestStatus, ServiceRequest, User, Visibility
from models.common import max_length
from models.requests import RequestEventBase, ServiceRequestBase
from pages.actions import load, page_user, perform
from pages.frame import frame, not_found_message
from pages.messages import error_text, notify_error
from pages.photo_picker import shrink_upload
from pages.requests.cards import (
    coordinator_alerts,
    due_badge,
    event_text,
    rating_dialog,
    request_row_card,
    status_badge,
)
from services.accounts.users import ROLE_LABELS
from services.errors import InvalidInput, NotFound, ServiceError
from services.households.records import list_households
from services.org.areas import area_label, areas_visible_to
from services.policy import MANAGERS, REQUEST_STAFF, may_take_requests_by_phone
from services.requests.feedback import open_alerts
from services.requests.tracking import (
    NEXT_STATUSES,
    SOURCE_LABELS,
    STATUS_LABELS,
    RequestFilters,
    RequestInput,
    add_note,
    add_photo_to_request,
    assign_request,
    assignable_users,
    can_assign,
    can_manage,
    categories,
    category_name,
    change_status,
    get_request,
    list_requests,
    raise_request,
    request_household,
    request_photos,
    timeline,
    users_by_id,
)

VIEW_LABELS = {"mine": N_("Assigned to me"), "all": N_("All I can see"), "raised": N_("Raised by me")}
STATE_LABELS = {"open": N_("Open"), "awaiting": N_("Awaiting the resident's rating"), "closed": N_("Closed"),
                "all": N_("All")}


def category_names(session: Session, lang: str, active_only: bool = False) -> dict[int, str]:
    return {c.id: category_name(c, lang) for c in categories(session, active_only=active_only) if c.id}


@ui.page("/requests")
async def requests_page(view: str = "") -> None:
    user = await page_user(REQUEST_STAFF)
    if user is None:
        return
    cats = await load(category_names, current_language())
    alerts = await load(open_alerts, user)
    default_view = view if view in VIEW_LABELS else "all"
    with frame(_("Requests"), user):
        coordinator_alerts(user, alerts)
        with ui.row().classes("w-full gap-2 items-end"):
            view_select = ui.select({k: _(v) for k, v in VIEW_LABELS.items()}, value=default_view,
                                    label=_("Show")).classes("min-w-36").mark("filter-view")
            state = ui.select({k: _(v) for k, v in STATE_LABELS.items()}, value="open", label=_("State")).classes(
                "min-w-36").mark("filter-state")
            category = ui.select({None: _("All categories"), **cats}, value=None, label=_("Category")).classes(
                "min-w-36").mark("filter-category")
            overdue = ui.checkbox(_("Overdue only")).mark("filter-overdue")
        if may_take_requests_by_phone(user):
            await new_request_dialog(user)

        @ui.refreshable
        async def results() -> None:
            actor = await page_user(REQUEST_STAFF)
            if actor is None:
                return
            filters = RequestFilters(view=view_select.value, state=state.value, category_id=category.value,
                                     overdue_only=bool(overdue.value))
            rows = await load(list_requests, actor, filters)
            ui.label(_("{n} requests").format(n=len(rows))).classes("text-sm text-gray-600").mark("request-count")
            tz = get_settings().time_zone
            for row in rows:
                where = row.household.head_name if row.household else _(SOURCE_LABELS[row.request.source])
                subtitle = " · ".join(x for x in (where, row.assignee.name if row.assignee else "",
                                                  format_datetime(row.request.created_at, tz)) if x)
                request_row_card(row.request, cats.get(row.request.category_id, ""), subtitle)

        for control in (view_select, state, category, overdue):
            control.on_value_change(results.refresh)
        await results()


def new_request_choices(session: Session, user: User, lang: str) -> tuple[dict[int, str], dict[int, str],
                                                                          dict[int, str]]:
    areas = {a.id: area_label(session, a.id) for a in areas_visible_to(session, user) if a.id}
    households = {r.household.id: f"{r.household.head_name} · {r.household.address}"
                  for r in list_households(session, user, limit=5000) if r.household.id}
    return category_names(session, lang, active_only=True), areas, households


async def new_request_dialog(user: User) -> None:
    """A request taken at a service point or on the hotline, with or without a known household."""
    cats, areas, households = await load(new_request_choices, user, current_language())
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-lg"):
        ui.label(_("New request")).classes("text-lg font-medium")
        source = ui.select({s.value: _(SOURCE_LABELS[s]) for s in RequestSource if s != RequestSource.public_form},
                           value=RequestSource.hotline.value, label=_("Source")).classes("w-full")
        category = ui.select(cats, value=next(iter(cats), None), label=_("Category")).classes("w-full")
        household = ui.select({None: _("No household"), **households}, value=None, label=_("Household"),
                              with_input=True).classes("w-full")
        area = ui.select(areas, value=user.area_id if user.area_id in areas else next(iter(areas), None),
                         label=_("Area (when there is no household)")).classes("w-full")
        text = ui.textarea(_("Description")).props(
            f"outlined autogrow maxlength={max_length(ServiceRequestBase, 'description')} counter").classes("w-full")
        error = ui.label().classes("text-negative text-sm")

        async def save() -> None:
            try:  # a text over the model's limit is the user's message already here
                data = RequestInput(category_id=category.value or 0, description=text.value or "",
                                    source=RequestSource(source.value), household_id=household.value,
                                    area_id=area.value)
            except ServiceError as exc:
                error.set_text(error_text(exc))
                return
            raised = await perform(raise_request, data, roles=MANAGERS,
                                   on_error=lambda exc: error.set_text(error_text(exc)))
            if raised and raised.value is not None:
                ui.navigate.to(f"/requests/{raised.value.id}")

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save request"), on_click=save).mark("save-new-request")
    ui.button(_("New request"), icon="add", on_click=dialog.open).props("outline").mark("new-request")


@ui.page("/requests/{request_id:int}")
async def request_page(request_id: int) -> None:
    user = await page_user(REQUEST_STAFF)
    if user is None:
        return
    with frame(_("Request"), user):
        # The first read writes the audit entry for coordinators and admins: a change. Not found
        # (or not allowed to know) is shown in the page, not as a notification.
        opened = await perform(request_data, request_id, current_language(), True, roles=REQUEST_STAFF,
                               on_error=lambda _exc: None)
        if not opened or opened.value is None:
            not_found_message()
            return
        RequestDetail(user, request_id, opened.value).build()


@dataclass
class RequestData:
    request: ServiceRequest
    category: str
    area: str
    people: dict[int, User]
    household: Household | None
    entries: list[Any]
    photos: list[Any]
    may_manage: bool
    may_assign: bool
    assignees: list[User]


def request_data(session: Session, actor: User, request_id: int, lang: str, audit_read: bool = False) -> RequestData:
    r = get_request(session, actor, request_id, audit_read=audit_read)
    may_assign = can_assign(session, actor, r)
    return RequestData(
        request=r,
        category=next((category_name(c, lang) for c in categories(session, False) if c.id == r.category_id), ""),
        area=area_label(session, r.area_id),
        people=users_by_id(session, [r.raised_by_id, r.assignee_id]),
        household=request_household(session, r),
        entries=timeline(session, actor, request_id),
        photos=request_photos(session, actor, request_id),
        may_manage=can_manage(session, actor, r),
        may_assign=may_assign,
        assignees=assignable_users(session, actor, r) if may_assign else [],
    )


class RequestDetail:
    def __init__(self, user: User, request_id: int, data: RequestData) -> None:
        self.user, self.request_id = user, request_id
        self.tz = get_settings().time_zone
        self.show(data)

    def show(self, data: RequestData) -> None:
        self.request, self.category, self.area, self.people = data.request, data.category, data.area, data.people
        self.household, self.entries, self.photos = data.household, data.entries, data.photos
        self.may_manage, self.may_assign = data.may_manage, data.may_assign
        self.assignees = {u.id: f"{u.name} ({_(ROLE_LABELS[u.role])})" for u in data.assignees if u.id}

    async def reload(self) -> None:
        actor = await page_user(REQUEST_STAFF)
        if actor is None:
            return
        self.user = actor
        try:
            self.show(await load(request_data, actor, self.request_id, current_language()))
        except NotFound:
            ui.navigate.to("/requests")
            return
        self.content.refresh()

    def build(self) -> None:
        self.content = ui.refreshable(self.render)
        self.content()

    def render(self) -> None:
        r = self.request
        with ui.card().classes("ds-card"):
            with ui.row().classes("w-full items-center justify-between no-wrap gap-2"):
                ui.label(f"#{r.id} · {self.category}").classes("text-lg font-medium").mark("request-title")
                status_badge(r)
            due_badge(r)
            ui.label(r.description).classes("whitespace-pre-wrap").mark("request-description")
            facts = [
                (_("Source"), _(SOURCE_LABELS[r.source])),
                (_("Raised"), format_datetime(r.created_at, self.tz)),
                (_("Due"), format_datetime(r.due_at, self.tz)),
                (_("Area"), self.area),
                (_("Raised by"), self.people[r.raised_by_id].name if r.raised_by_id in self.people else "—"),
                (_("Assigned to"), self.people[r.assignee_id].name if r.assignee_id in self.people else "—"),
                (_("Tracking code"), r.tracking_code),
            ]
            if r.referred_to:
                facts.append((_("Referred to"), r.referred_to))
            if r.source == RequestSource.public_form:
                facts += [(_("Contact name"), r.contact_name or "—"), (_("Contact phone"), r.contact_phone or "—"),
                          (_("Location"), r.location_text or "—")]
                if r.lat is not None:
                    facts.append((_("Coordinates"), f"{r.lat:.5f}, {r.lng:.5f}"))
            with ui.grid(columns="auto 1fr").classes("gap-x-3 gap-y-1 text-sm"):
                for label, value in facts:
                    ui.label(label).classes("text-gray-500")
                    ui.label(value).classes("break-all")
            if self.household is not None:
                ui.link(f"{self.household.head_name} · {self.household.address}",
                        f"/households/{self.household.id}").classes("text-sm")
            if self.photos:
                with ui.row().classes("gap-2"):
                    for photo in self.photos:
                        with ui.link(target=f"/request-photos/{photo.id}", new_tab=True):
                            ui.image(f"/request-photos/{photo.id}/thumb").classes("w-24 h-24 rounded").props(
                                "fit=cover")
        if r.awaiting_rating:
            with ui.card().classes("ds-card bg-amber-50").props("flat bordered"):
                ui.label(_("Ask the resident whether they are satisfied with the answer.")).classes("text-sm")
                dialog = rating_dialog(r.id, self.reload)
                ui.button(_("Record answer"), on_click=dialog.open).props("outline").mark(f"rate-{r.id}")
        if self.may_manage and NEXT_STATUSES.get(r.status):
            self.status_form()
        if self.may_assign and r.status in (RequestStatus.new, RequestStatus.assigned, RequestStatus.in_progress):
            self.assign_form()
        self.note_form()
        self.show_timeline()

    def status_form(self) -> None:
        options = {s.value: _(STATUS_LABELS[s]) for s in NEXT_STATUSES[self.request.status]}
        with ui.card().classes("ds-card"):
            ui.label(_("Change status")).classes("font-medium")
            status = ui.select(options, label=_("New status"), value=next(iter(options))).classes("w-full").mark(
                "new-status")
            referred = ui.input(_("Department referred to")).props(
                f"maxlength={max_length(ServiceRequest, 'referred_to')}").classes("w-full").mark("referred-to")
            referred.bind_visibility_from(status, "value", backward=lambda v: v == RequestStatus.referred.value)
            note = ui.textarea(_("Note")).props(
                f"outlined autogrow maxlength={max_length(RequestEventBase, 'note')}").classes("w-full").mark(
                "status-note")
            public = ui.switch(_("Show this note to the resident"), value=True).mark("status-public")
            ui.label(_("An explanation is always shown to the resident.")).classes("text-xs text-gray-500")

            async def save() -> None:
                await perform(change_status, self.request_id, RequestStatus(status.value), note.value or "",
                              Visibility.public if public.value else Visibility.internal, referred.value or "",
                              roles=REQUEST_STAFF, done=_("Status updated."), refresh=self.reload)

            ui.button(_("Update status"), icon="check", on_click=save).mark("save-status")

    def assign_form(self) -> None:
        with ui.card().classes("ds-card"):
            ui.label(_("Assign")).classes("font-medium")
            who = ui.select(self.assignees, label=_("Member or coordinator"), with_input=True,
                            value=self.request.assignee_id if self.request.assignee_id in self.assignees else None
                            ).classes("w-full").mark("assignee")
            note = ui.input(_("Internal note")).props(f"maxlength={max_length(RequestEventBase, 'note')}").classes(
                "w-full").mark("assign-note")

            async def save() -> None:
                if who.value is None:
                    notify_error(InvalidInput(N_("Choose a member or coordinator of this area.")))
                    return
                await perform(assign_request, self.request_id, who.value, note.value or "", roles=MANAGERS,
                              done=_("Request assigned."), refresh=self.reload)

            ui.button(_("Assign"), icon="person_add", on_click=save).mark("save-assign")

    def note_form(self) -> None:
        with ui.expansion(_("Add a note or photo"), icon="note_add").classes("ds-card bg-white"):
            note = ui.textarea(_("Note")).props(
                f"outlined autogrow maxlength={max_length(RequestEventBase, 'note')}").classes("w-full").mark("note")
            public = ui.switch(_("Show this note to the resident"), value=False).mark("note-public")
            if not self.may_manage:
                public.disable()

            async def save() -> None:
                await perform(add_note, self.request_id, note.value or "",
                              Visibility.public if public.value else Visibility.internal, roles=REQUEST_STAFF,
                              refresh=self.reload)

            ui.button(_("Add note"), on_click=save).props("outline").mark("save-note")
            ui.upload(label=_("Add a photo"), auto_upload=True, on_upload=self.receive_photo).props(
                'accept="image/*"').classes("w-full").mark("request-photo-upload")

    async def receive_photo(self, e: events.UploadEventArguments) -> None:
        processed = await shrink_upload(e)
        if processed is None:
            return
        await perform(add_photo_to_request, self.request_id, processed, roles=REQUEST_STAFF, refresh=self.reload)

    def show_timeline(self) -> None:
        ui.label(_("Timeline")).classes("text-lg font-medium")
        with ui.column().classes("ds-card gap-2").mark("timeline"):
            for entry in reversed(self.entries):
                event = entry.event
                with ui.card().classes("w-full").props("flat bordered"):
                    with ui.row().classes("w-full items-center justify-between no-wrap gap-2"):
                        ui.label(event_text(event, entry.assignee_name)).classes("font-medium")
                        if event.note:
                            public = event.visibility == Visibility.public
                            ui.badge(_("Shown to the resident") if public else _("Internal"),
                                     color="positive" if public else "grey").props("outline")
                    who = entry.actor_name or _("Resident")
                    ui.label(f"{format_datetime(event.at, self.tz)} · {who}").classes("text-xs text-gray-500")
                    if event.note:
                        ui.label(event.note).classes("text-sm whitespace-pre-wrap")

