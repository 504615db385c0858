"""Public volunteer registration from a phone."""

from __future__ import annotations

from nicegui import ui

from core.i18n import N_, _
from pages.actions import in_worker, load
from pages.client_address import client_ip
from pages.frame import frame
from pages.messages import error_text
from services.accounts.challenge import new_challenge
from services.accounts.volunteers import RegistrationForm, registration_areas, submit_registration
from services.errors import ServiceError, Throttled

PRIVACY_NOTICE = N_(
    "We keep your name, phone number, community, skills and availability to organise volunteer events, "
    "and your sign-ups and attendance to count volunteer hours. Only the coordinators of your community "
    "see your details; they are never shared with others. You can close your account at any time: your "
    "personal data is then deleted and only anonymous counts remain."
)


@ui.page("/register")
async def register_page() -> None:
    areas = await load(registration_areas)
    challenge = {"current": new_challenge()}

    def new_question() -> None:
        challenge["current"] = new_challenge()
        question.set_text(_("To show you are a person: what is {question}?").format(
            question=challenge["current"].question))

    async def send() -> None:
        error.set_text("")
        if password.value != password2.value:
            error.set_text(_("The two passwords differ."))
            return
        form = RegistrationForm(name=name.value or "", phone=phone.value or "", area_id=area.value,
                                skills=skills.value or "", availability=availability.value or "",
                                password=password.value or "", consent=bool(consent.value))
        try:
            approved = await in_worker(submit_registration, form, client_ip(), challenge["current"].token,
                                       answer.value)  # argon2 hashing
        except ServiceError as exc:
            error.set_text(error_text(exc))
            if not isinstance(exc, Throttled):
                new_question()  # each question is good for one try
                answer.set_value("")
            return
        card.clear()
        with card:
            ui.icon("check_circle", size="48px").classes("text-positive")
            if approved:
                ui.label(_("Welcome! You can sign in now.")).classes("text-lg").mark("registered")
            else:
                ui.label(_("Thank you! The coordinator of your community will approve your registration. "
                           "You can sign in once approved.")).classes("text-lg").mark("registered")
            ui.link(_("Sign in"), "/login")

    with frame(_("Volunteer registration")), ui.card().classes("ds-card self-center") as card:
        ui.label(_("Join as a volunteer")).classes("text-xl font-medium")
        name = ui.input(_("Your name")).props("autocomplete=name outlined").classes("w-full").mark("reg-name")
        phone = ui.input(_("Phone number")).props("type=tel autocomplete=tel outlined").classes("w-full").mark(
            "reg-phone")
        area = ui.select(areas, label=_("Community you want to serve in")).props("outlined").classes("w-full").mark(
            "reg-area")
        skills = ui.input(_("Skills (e.g. first aid, driving, computers)")).props("outlined").classes("w-full")
        availability = ui.input(_("When are you available? (e.g. weekends)")).props("outlined").classes("w-full")
        password = ui.input(_("Password"), password=True, password_toggle_button=True).props(
            "autocomplete=new-password outlined").classes("w-full").mark("reg-password")
        password2 = ui.input(_("Repeat the password"), password=True).props("autocomplete=new-password outlined"
                                                                             ).classes("w-full").mark("reg-password2")
        with ui.expansion(_("Privacy notice")).classes("w-full").props("dense"):
            ui.label(_(PRIVACY_NOTICE)).classes("text-sm")
        consent = ui.checkbox(_("I have read and agree to the privacy notice.")).mark("reg-consent")
        question = ui.label().classes("font-medium").mark("challenge-question")
        answer = ui.input(_("Answer")).props("outlined inputmode=numeric maxlength=3").classes("w-full").mark(
            "challenge-answer")
        new_question()
        error = ui.label().classes("text-negative").mark("reg-error")
        ui.button(_("Register"), on_click=send).props("size=lg").classes("w-full").mark("register")
        ui.link(_("Already registered? Sign in"), "/login").classes("text-sm")
