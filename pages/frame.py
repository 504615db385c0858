"""The one page frame: header, navigation drawer, language switch and sign-out for every page."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import app, context, ui

from core.config import get_settings
from core.i18n import LANGUAGES, _, current_language
from models import Role, User
from services.policy import (
    ADMINS,
    ALL_ROLES,
    EVENT_SIGNERS,
    FIELD_STAFF,
    MANAGERS,
    REQUEST_STAFF,
    SECOND_FACTOR_ROLES,
    VISITORS,
    YEAR_KEEPERS,
)

# (path, label msgid, icon, roles allowed); the drawer shows what the user's role may open.
NAV_ITEMS: list[tuple[str, str, str, frozenset[Role]]] = [
    ("/", "My households", "home", VISITORS),
    # A plain page outside NiceGUI (static/offline.html): it works with no signal at all.
    ("/offline", "Offline visits", "cloud_off", VISITORS),
    ("/", "Overview", "dashboard", MANAGERS),
    ("/admin/households", "Households", "holiday_village", MANAGERS),
    ("/admin/needs", "Needs", "category", MANAGERS),
    ("/visits", "Visits", "fact_check", MANAGERS),
    ("/review", "Review queue", "rule", MANAGERS),
    ("/callbacks", "Callbacks", "phone_callback", MANAGERS),
    ("/map", "Map", "map", MANAGERS),
    ("/requests", "Requests", "campaign", REQUEST_STAFF),
    ("/requests/dashboard", "Request dashboard", "insights", MANAGERS),
    ("/coverage", "Coverage", "insights", MANAGERS),
    ("/me/coverage", "My coverage", "insights", VISITORS),
    ("/admin/users", "Accounts", "manage_accounts", MANAGERS),
    ("/admin/areas", "Areas", "account_tree", MANAGERS),
    ("/events", "Events", "event", ALL_ROLES),
    ("/me/activities", "My activities", "volunteer_activism", EVENT_SIGNERS),
    ("/admin/volunteers", "Volunteers", "group_add", MANAGERS),
    ("/me/commitments", "My commitments", "flag", YEAR_KEEPERS),
    ("/posts", "Service posts", "badge", FIELD_STAFF),
    ("/field-days", "Field days", "hiking", FIELD_STAFF),
    ("/me/record", "My year", "assignment_ind", YEAR_KEEPERS),
    ("/commitments", "Commitments and comments", "forum", MANAGERS),
    ("/records", "Annual records", "summarize", MANAGERS),
    ("/admin/service-points", "Service points", "location_on", MANAGERS),
    ("/door-cards", "Door cards", "qr_code_2", MANAGERS),
    ("/admin/audit", "Audit log", "policy", ADMINS),
    ("/admin/outbox", "Outbox", "outbox", ADMINS),
    ("/profile", "Profile", "person", ALL_ROLES),
    ("/profile/2fa", "Two-step sign-in", "phonelink_lock", SECOND_FACTOR_ROLES),
]

PHONE_CSS = """
<style>
  body { background: #f5f7fa; }
  .ds-card { width: 100%; max-width: 720px; }
  .ds-page { width: 100%; max-width: 960px; margin: 0 auto; padding: 12px; gap: 12px; }
  .ds-hidden-upload { position: absolute; width: 1px; height: 1px; overflow: hidden; opacity: 0; }
  /* Status notices take their own room in the layout instead of floating over a form's controls:
     the unsent-visits banner at the top of the content, the connection-lost box in the header
     (Quasar pads the page by the header's height). static/js/pwa.js moves them there. */
  .ds-status-slot:empty, .ds-connection-slot:empty { display: none; }
  .ds-connection-slot #popup { position: relative; left: auto; right: auto; margin: 4px 0 6px; width: 100%;
    padding: 8px 12px 8px 2.6em; gap: 2px; color: #1a1a1a; font-size: 14px; }
  .ds-connection-slot #popup[aria-hidden="true"] { display: none; }
  /* NiceGUI shows the box after 2 s without a connection (a blip shows nothing): so does this. */
  .ds-connection-slot #popup[aria-hidden="false"] { animation: ds-after-a-moment 0s 2s backwards; }
  @keyframes ds-after-a-moment { from { max-height: 0; padding: 0; margin: 0; border-width: 0;
    overflow: hidden; visibility: hidden; } }
</style>
"""


# An inline SVG, not the Material Icons font: a page without other icons then never downloads
# that 129 KB font (bench/pageload.py), and the drawer's icons load only when it is opened.
MENU_ICON = ("img:data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' "
             "fill='white'><path d='M3 18h18v-2H3v2zm0-5h18v-2H3v2zm0-7v2h18V6H3z'/></svg>")


def open_menu(drawer: ui.left_drawer, user: User | None, items: list[tuple[str, str, str]]) -> None:
    """Build the drawer's contents the first time it is opened, then toggle it."""
    if not drawer.default_slot.children:
        with drawer:
            ui.label(user.name if user else "").classes("text-lg font-bold px-2")
            for path, label, icon in items:
                with ui.link(target=path).classes("no-underline text-gray-800 w-full"):
                    with ui.row().classes("items-center gap-3 px-2 py-2 w-full hover:bg-gray-100"):
                        ui.icon(icon)
                        ui.label(_(label))
            ui.separator()
            with ui.link(target="/logout").classes("no-underline text-gray-800 w-full").mark("sign-out"):
                with ui.row().classes("items-center gap-3 px-2 py-2"):
                    ui.icon("logout")
                    ui.label(_("Sign out"))
    drawer.toggle()


def nav_items_for(user: User | None) -> list[tuple[str, str, str]]:
    if user is None:
        return []
    return [(path, label, icon) for path, label, icon, roles in NAV_ITEMS if user.role in roles]


def switch_language(lang: str) -> None:
    app.storage.user["lang"] = lang
    ui.navigate.reload()


def language_toggle() -> None:
    current = current_language()
    other = "en" if current == "zh_CN" else "zh_CN"
    ui.button(LANGUAGES[other], on_click=lambda: switch_language(other)).props(
        "flat dense color=white no-caps"
    ).mark("language-switch")


# NiceGUI's own texts (the "connection lost / trying to reconnect" box) come from the page's
# Quasar language, not from our catalogues.
QUASAR_LANGUAGES = {"zh_CN": "zh-CN", "en": "en-US"}


def use_page_language(lang: str) -> None:
    """Give this client's page the user's language, for the texts NiceGUI and Quasar render.

    The ``@ui.page`` object is shared by every client of that path: this client gets its own copy.
    """
    client = context.client
    page = copy.copy(client.page)
    page.language = QUASAR_LANGUAGES.get(lang, QUASAR_LANGUAGES["zh_CN"])
    client.page = page


@contextmanager
def frame(title: str, user: User | None = None) -> Iterator[ui.column]:
    """Wrap a page: header with title and menu, then a centred column for the content."""
    lang = current_language()
    use_page_language(lang)
    ui.add_head_html(PHONE_CSS)
    # The offline page and the unsent-visits banner (static/js) follow the language shown here.
    ui.add_head_html(f'<meta name="doorstep-lang" content="{lang}">')
    ui.page_title(f"{title} · Doorstep")
    ui.colors(primary="#b71c1c", secondary="#455a64", accent="#f9a825")
    if user is not None:  # tells static/js/pwa.js it may fetch an API token for the offline page
        ui.add_head_html('<meta name="doorstep-signed-in" content="1">')
    items = nav_items_for(user)
    drawer = None
    if items:
        drawer = ui.left_drawer(value=False).props("overlay bordered").classes("bg-white")
    with ui.header().classes("items-center justify-between flex-wrap px-2 py-1"):
        with ui.row().classes("items-center gap-1 no-wrap"):
            if drawer is not None:
                ui.button(icon=MENU_ICON, on_click=lambda: open_menu(drawer, user, items)).props(
                    "flat round dense color=white").mark("menu")
            ui.label(title).classes("text-lg font-medium")
        language_toggle()
        ui.element("div").classes("ds-connection-slot w-full")
    with ui.column().classes("ds-page") as content:
        ui.element("div").classes("ds-status-slot w-full")
        yield content
    if user is not None:
        # Created last: a timer waits for the browser's connection, and NiceGUI sends the page as
        # soon as anything does, so an async page that read its data off the event loop inside the
        # frame is delivered whole instead of arriving in pieces over the websocket.
        _watch_session()


def _watch_session() -> None:
    """An open page leaves for the sign-in page soon after its session ends (deactivation,
    password change elsewhere, idle or absolute timeout), even if nobody clicks."""
    from pages.actions import session_still_open

    async def check() -> None:
        if not await session_still_open():
            timer.deactivate()

    timer = ui.timer(get_settings().session_check_seconds, check)


def not_found_message() -> None:
    with ui.card().classes("ds-card items-center"):
        ui.icon("search_off", size="48px").classes("text-gray-400")
        ui.label(_("Not found")).classes("text-xl")
        ui.label(_("This record does not exist or you do not have access to it."))
        ui.link(_("Back to the start page"), "/")
