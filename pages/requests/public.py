"""The residents' channel, no account needed: a phone-sized form that gives a tracking code, and a
status page for that code with the notes meant for the resident and the rating of the answer."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import N_, _, current_language, format_date, format_datetime
from models import RequestStatus, Satisfaction
from models.common import max_length
from models.requests import PublicRequestBase, RatingBase
from pages.actions import in_worker, load
from pages.client_address import client_ip
from pages.community.service_points import nearest_points_card
from pages.frame import frame
from pages.messages import error_text
from pages.photo_picker import ADD_PHOTO, PhotoPicker
from pages.requests.cards import event_text, status_badge
from pages.requests.report_problem import REPORT_A_PROBLEM, promised_response_text
from services.accounts.challenge import new_challenge
from services.errors import NotFound, ServiceError, Throttled
from services.org.areas import area_label
from services.requests.feedback import (
    MAX_PUBLIC_PHOTOS,
    SATISFACTION_LABELS,
    PublicRequestInput,
    public_areas,
    public_view,
    send_public_request,
    send_rating,
)
from services.requests.tracking import categories, category_name

GEOLOCATE_JS = """
return await new Promise((resolve) => {
  if (!navigator.geolocation) { resolve({error: "unsupported"}); return; }
  navigator.geolocation.getCurrentPosition(
    (p) => resolve({lat: p.coords.latitude, lng: p.coords.longitude}),
    (e) => resolve({error: "unavailable"}), {timeout: 15000, maximumAge: 60000});
});
"""


@dataclass
class FormChoices:
    categories: dict[int, str]
    areas: dict[int, str]


def form_choices(session: Session, lang: str) -> FormChoices:
    return FormChoices({c.id: category_name(c, lang) for c in categories(session)},
                       {a.id: area_label(session, a.id) for a in public_areas(session)})


@ui.page("/public/request", reconnect_timeout=get_settings().reconnect_timeout)
async def public_request_page() -> None:
    choices = await load(form_choices, current_language())
    with frame(_(REPORT_A_PROBLEM)):
        PublicForm(choices).build()


class PublicForm:
    def __init__(self, choices: FormChoices) -> None:
        self.categories = choices.categories
        self.areas = choices.areas
        self.location: dict | None = None
        self.sending = False

    def build(self) -> None:
        with ui.card().classes("ds-card"):
            ui.label(_("Tell the community service centre about a problem. No account is needed.")).classes(
                "text-sm text-gray-700")
            self.category = ui.select(self.categories, label=_("What is it about?")).props("outlined").classes(
                "w-full").mark("public-category")
            self.description = ui.textarea(_("Describe the problem")).props(
                f"outlined autogrow maxlength={max_length(PublicRequestBase, 'description')} counter").classes(
                "w-full").mark("public-description")
        with ui.card().classes("ds-card"):
            ui.label(_("Where (optional)")).classes("font-medium")
            self.area = ui.select({None: _("I don't know"), **self.areas}, value=None, label=_("Community")).props(
                "outlined").classes("w-full").mark("public-area")
            self.place = ui.input(_("Address or landmark")).props(
                f"outlined maxlength={max_length(PublicRequestBase, 'location_text')}").classes("w-full").mark(
                "public-place")
            with ui.row().classes("items-center gap-2"):
                ui.button(_("Use my location"), icon="my_location", on_click=self.locate).props("outline dense")
                self.location_label = ui.label().classes("text-sm text-gray-600")
        self.build_photos()
        with ui.card().classes("ds-card"):
            ui.label(_("Contact (optional)")).classes("font-medium")
            ui.label(_("Only staff handling the request see it. Leave it empty to stay anonymous.")).classes(
                "text-xs text-gray-500")
            self.name = ui.input(_("Your name")).props(
                f"outlined maxlength={max_length(PublicRequestBase, 'contact_name')}").classes("w-full").mark(
                "public-name")
            self.phone = ui.input(_("Phone number")).props(
                f"outlined maxlength={max_length(PublicRequestBase, 'contact_phone')} type=tel").classes(
                "w-full").mark("public-phone")
            self.sms_consent = ui.checkbox(_("Send me SMS about this request")).classes("min-h-[44px]").mark(
                "public-sms-consent")
        with ui.card().classes("ds-card"):
            self.challenge_label = ui.label().classes("font-medium").mark("challenge-question")
            self.answer = ui.input(_("Answer")).props("outlined inputmode=numeric maxlength=3").classes("w-full").mark(
                "challenge-answer")
            self.new_question()
        self.error = ui.label().classes("text-negative").mark("public-error")
        self.send_button = ui.button(_("Send"), icon="send", on_click=self.send).props("size=lg").classes(
            "w-full").mark("public-send")
        with ui.row().classes("w-full justify-center"):
            ui.link(_("Already reported? Check your request"), "#").on(
                "click", lambda: self.lookup_dialog.open()).classes("text-sm")
        self.build_lookup()
        nearest_points_card(self)

    def new_question(self) -> None:
        self.challenge = new_challenge()
        self.challenge_label.set_text(_("To show you are a person: what is {question}?").format(
            question=self.challenge.question))
        self.answer.set_value("")

    def build_photos(self) -> None:
        with ui.card().classes("ds-card"):
            ui.label(_("Photo (optional)")).classes("font-medium")
            self.picker = PhotoPicker(MAX_PUBLIC_PHOTOS, N_("At most {n} photos per request."), "public-photo-upload",
                                      buttons=(ADD_PHOTO,))
            ui.label(_("Up to {n} photos. Location data is removed from them.").format(n=MAX_PUBLIC_PHOTOS)).classes(
                "text-xs text-gray-500")

    async def locate(self) -> None:
        self.location_label.set_text(_("Finding your location…"))
        try:
            result = await ui.run_javascript(GEOLOCATE_JS, timeout=20)
        except TimeoutError:
            result = None
        if not isinstance(result, dict) or "error" in result:
            self.location = None
            self.location_label.set_text(_("The location could not be found. Describe the place instead."))
            return
        self.location = {"lat": float(result["lat"]), "lng": float(result["lng"])}
        self.location_label.set_text(_("Location added."))

    async def send(self) -> None:
        if self.sending:
            return
        self.sending = True
        self.send_button.disable()
        self.error.set_text("")
        loc = self.location or {}
        try:
            data = PublicRequestInput(  # a text over the model's limit is the user's message already here
                category_id=self.category.value or 0, description=self.description.value or "",
                area_id=self.area.value, contact_name=self.name.value or "", contact_phone=self.phone.value or "",
                location_text=self.place.value or "", lat=loc.get("lat"), lng=loc.get("lng"),
                sms_consent=bool(self.sms_consent.value),
            )
            code = await in_worker(send_public_request, data, client_ip(), self.challenge.token, self.answer.value,
                                   list(self.picker.photos))
        except ServiceError as exc:
            self.error.set_text(error_text(exc))
            if not isinstance(exc, Throttled):
                self.new_question()  # each question is good for one try
            return
        finally:
            self.sending = False
            self.send_button.enable()
        ui.navigate.to(f"/public/request/{code}?new=1")

    def build_lookup(self) -> None:
        with ui.dialog() as self.lookup_dialog, ui.card().classes("w-full max-w-sm"):
            code = ui.input(_("Tracking code")).props("outlined autocapitalize=characters").classes("w-full").mark(
                "lookup-code")
            ui.button(_("Check"), on_click=lambda: ui.navigate.to(
                f"/public/request/{(code.value or '').strip().replace('/', '')}")).classes("w-full")


@ui.page("/public/request/{code}")
async def public_status_page(code: str, new: str = "", rated: str = "") -> None:
    with frame(_("Your request")):
        try:
            view = await load(public_view, code, client_ip())
        except (NotFound, Throttled) as exc:
            with ui.card().classes("ds-card items-center"):
                ui.icon("search_off", size="48px").classes("text-gray-400")
                ui.label(error_text(exc)).classes("text-center").mark("public-not-found")
                ui.link(_(REPORT_A_PROBLEM), "/public/request")
            return
        tz = get_settings().time_zone
        lang = current_language()
        if new:
            with ui.card().classes("ds-card bg-green-50 items-center").props("flat bordered"):
                ui.icon("check_circle", size="40px", color="positive")
                ui.label(_("Your request was received.")).classes("text-lg font-medium")
                ui.label(_("Keep this tracking code to follow your request:")).classes("text-sm text-center")
                ui.label(view.code).classes("text-3xl font-mono font-bold tracking-widest").mark("tracking-code")
                if view.category is not None:
                    ui.label(promised_response_text(view.category.response_hours)).classes(
                        "font-medium text-center").mark("promised-response")
                ui.label(_("Bookmark this page or write the code down.")).classes("text-xs text-gray-600")
        with ui.card().classes("ds-card"):
            with ui.row().classes("w-full items-center justify-between no-wrap"):
                ui.label(category_name(view.category, lang)).classes("text-lg font-medium")
                status_badge(view.status)
            ui.label(_("Tracking code {code} · received {date}").format(
                code=view.code, date=format_date(view.created_at, tz))).classes("text-sm text-gray-600")
            if view.description:
                ui.label(view.description).classes("whitespace-pre-wrap text-sm").mark("public-description-text")
            if view.status == RequestStatus.referred and view.referred_to:
                ui.label(_("Referred to {department}").format(department=view.referred_to)).classes("text-sm")
        if rated:
            text = (_("Thank you. Your request has been reopened and a coordinator was told.") if rated == "reopened"
                    else _("Thank you for your answer."))
            ui.label(text).classes("ds-card text-positive font-medium").mark("public-rated")
        if view.awaiting_rating:
            RatingForm(view.code).build()
        ui.label(_("Progress")).classes("text-lg font-medium")
        with ui.column().classes("ds-card gap-2").mark("public-timeline"):
            for entry in reversed(view.entries):
                with ui.card().classes("w-full").props("flat bordered"):
                    ui.label(event_text(entry, public=True)).classes("font-medium")
                    ui.label(format_datetime(entry.at, tz)).classes("text-xs text-gray-500")
                    if entry.note:
                        ui.label(entry.note).classes("text-sm whitespace-pre-wrap")


class RatingForm:
    def __init__(self, code: str) -> None:
        self.code = code

    def build(self) -> None:
        with ui.card().classes("ds-card bg-amber-50").props("flat bordered").mark("public-rating"):
            ui.label(_("Are you satisfied with the answer?")).classes("text-lg font-medium")
            self.choice = ui.radio({s.value: _(label) for s, label in SATISFACTION_LABELS.items()}).mark(
                "public-rating-choice")
            self.comment = ui.textarea(_("Comment (optional)")).props(
                f"outlined autogrow maxlength={max_length(RatingBase, 'comment')}").classes("w-full").mark(
                "public-rating-comment")
            self.error = ui.label().classes("text-negative text-sm")
            self.send_button = ui.button(_("Send my answer"), on_click=self.send).classes("w-full").mark(
                "public-rating-send")

    async def send(self) -> None:
        if not self.choice.value:
            self.error.set_text(_("Choose an answer."))
            return
        self.send_button.disable()  # one answer per tap, while the first is still being stored
        try:
            await in_worker(send_rating, self.code, Satisfaction(self.choice.value), self.comment.value or "",
                            client_ip())
        except ServiceError as exc:
            self.error.set_text(error_text(exc))
            return
        finally:
            self.send_button.enable()
        rated = "reopened" if self.choice.value == Satisfaction.not_satisfied.value else "1"
        ui.navigate.to(f"/public/request/{self.code}?rated={rated}")
