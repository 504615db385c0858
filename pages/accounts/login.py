"""Sign-in, sign-out and the first-run set-up page."""

from __future__ import annotations

import contextlib

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from nicegui import app, ui
from sqlmodel import Session

from core.i18n import _
from models import User
from pages.actions import in_worker, load
from pages.client_address import client_ip
from pages.frame import frame
from pages.messages import error_text
from pages.requests.report_problem import report_problem_entry
from pages.safe_redirect import safe_redirect
from pages.session import begin_sign_in, rotate_session_id, sign_in, sign_out, take_ticket
from services.accounts.auth import end_session_tokens, sign_in_with_code, sign_in_with_password
from services.accounts.users import own_account
from services.errors import NotFound, ServiceError
from services.org import setup
from services.rate_limits.counting import SIGN_IN_ATTEMPTS


def _account(session: Session, user_id: int) -> User | None:
    with contextlib.suppress(NotFound):
        return own_account(session, user_id)
    return None


@ui.page("/login")
async def login_page(redirect_to: str = "/") -> None:
    if await load(setup.needs_setup):
        ui.navigate.to("/setup")
        return
    if app.storage.user.get("user_id"):
        ui.navigate.to(safe_redirect(redirect_to))
        return

    pending: dict[str, object] = {}  # the account whose password was right, until its code is

    async def try_login() -> None:
        error.set_text("")
        try:
            SIGN_IN_ATTEMPTS.hit(client_ip())  # per address, on top of the per-account throttle
            # Argon2 takes a noticeable moment: keep it off the event loop.
            user = await in_worker(sign_in_with_password, login.value or "", password.value or "")
        except ServiceError as exc:
            error.set_text(error_text(exc))
            password.set_value("")
            return
        if user.totp_enabled:
            pending.update(user_id=user.id, login=login.value or "")
            password_step.set_visibility(False)
            code_step.set_visibility(True)
            return
        ui.navigate.to(begin_sign_in(user, safe_redirect(redirect_to)))

    async def try_code() -> None:
        code_error.set_text("")
        if not pending:
            return
        try:
            user = await in_worker(sign_in_with_code, pending["user_id"], pending["login"], code.value or "")
        except ServiceError as exc:
            code_error.set_text(error_text(exc))
            code.set_value("")
            return
        ui.navigate.to(begin_sign_in(user, safe_redirect(redirect_to)))

    with frame(_("Sign in")), ui.card().classes("ds-card self-center"):
        ui.label("Doorstep").classes("text-2xl font-bold")
        ui.label(_("Home visits, residents' requests and service events.")).classes("text-gray-600")
        with ui.column().classes("w-full") as password_step:
            login = ui.input(_("Phone number or username")).props("autocomplete=username outlined").classes("w-full")
            password = ui.input(_("Password"), password=True, password_toggle_button=True).props(
                "autocomplete=current-password outlined").classes("w-full")
            password.on("keydown.enter", try_login)
            error = ui.label().classes("text-negative").mark("login-error")
            ui.button(_("Sign in"), on_click=try_login).classes("w-full").props("size=lg").mark("sign-in")
            ui.link(_("New volunteer? Register here"), "/register").classes("text-sm")
            report_problem_entry()
        with ui.column().classes("w-full") as code_step:
            ui.label(_("Enter the 6-digit code from your authenticator app.")).classes("text-gray-700")
            code = ui.input(_("Code")).props("autocomplete=one-time-code inputmode=numeric outlined maxlength=6")
            code.classes("w-full").mark("totp-code")
            code.on("keydown.enter", try_code)
            code_error = ui.label().classes("text-negative").mark("totp-error")
            ui.button(_("Confirm"), on_click=try_code).classes("w-full").props("size=lg").mark("totp-confirm")
        code_step.set_visibility(False)


@app.get("/login/finish")
async def finish_sign_in(request: Request, ticket: str = "", redirect_to: str = "/") -> RedirectResponse:
    """Exchange the one-time ticket for a signed-in session under a new session id."""
    user_id = take_ticket(ticket)
    user = await load(_account, user_id) if user_id is not None else None
    if user is None or not user.active:
        return RedirectResponse("/login", status_code=303)
    lang = app.storage.user.get("lang")
    app.storage.user.clear()  # nothing of the signed-out session carries over
    await rotate_session_id(request)
    if lang:
        app.storage.user["lang"] = lang
    sign_in(user)
    return RedirectResponse(safe_redirect(redirect_to), status_code=303)


# Signing out also forgets this browser's API token and the households cached for the offline page.
SIGN_OUT_HTML = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<noscript><meta http-equiv="refresh" content="0;url=/login"></noscript></head>
<body style="font-family:sans-serif;padding:24px">{title}
<script src="/static/js/doorstep-store.js"></script>
<script>
  const go = () => location.replace("/login");
  setTimeout(go, 3000);
  (window.DoorstepStore ? DoorstepStore.forgetAccount() : Promise.resolve()).finally(go);
</script></body></html>"""


@app.get("/logout")
async def logout() -> HTMLResponse:
    await in_worker(end_session_tokens, dict(app.storage.user))
    sign_out()
    return HTMLResponse(SIGN_OUT_HTML.format(title=_("Signing out…")), headers={"Cache-Control": "no-store"})


@ui.page("/setup")
async def setup_page() -> None:
    if not await load(setup.needs_setup):
        ui.navigate.to("/login")
        return

    async def create() -> None:
        error.set_text("")
        if password.value != password2.value:
            error.set_text(_("The two passwords differ."))
            return
        try:
            user = await in_worker(setup.set_up_organisation, org_name.value or "", area_name.value or "",
                                   admin_name.value or "", username.value or "", phone.value or None,
                                   password.value or "")
        except ServiceError as exc:
            error.set_text(error_text(exc))
            return
        ui.navigate.to(begin_sign_in(user, "/"))

    with frame(_("Set up Doorstep")), ui.card().classes("ds-card self-center"):
        ui.label(_("Create the organisation and the first administrator.")).classes("text-gray-700")
        org_name = ui.input(_("Organisation name")).classes("w-full")
        area_name = ui.input(_("Top area (e.g. street office)")).classes("w-full")
        admin_name = ui.input(_("Your name")).classes("w-full")
        username = ui.input(_("Username")).classes("w-full")
        phone = ui.input(_("Phone number (optional)")).classes("w-full")
        password = ui.input(_("Password"), password=True).classes("w-full")
        password2 = ui.input(_("Repeat the password"), password=True).classes("w-full")
        error = ui.label().classes("text-negative")
        ui.button(_("Create"), on_click=create).classes("w-full").mark("create-organisation")

