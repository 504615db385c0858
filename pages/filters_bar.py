"""The filters shared by the map and the coverage pages: area, member, dates, need, verified visits.

The choices come from ``filter_choices``, loaded by the page (``pages.actions.load``) before it builds the bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, current_language
from models import NeedCategory, Role, User
from services.households.records import members_for_pairing, need_categories
from services.map.data import MapFilters
from services.org.areas import areas_visible_to
from services.org.clock import day_start


@dataclass(frozen=True)
class FilterChoices:
    """What the filter bar offers this user: their areas, the members they may pick, the categories of need."""

    areas: dict[int, str]
    members: dict[int, str]
    needs: list[NeedCategory]


def filter_choices(session: Session, user: User) -> FilterChoices:
    return FilterChoices({a.id: a.name for a in areas_visible_to(session, user) if a.id is not None},
                         {m.id: m.name for m in members_for_pairing(session, user) if m.id is not None},
                         need_categories(session))


class FilterBar:
    """Filter controls in a collapsible panel (phones keep the map in view)."""

    def __init__(self, user: User, choices: FilterChoices, date_from: str = "", date_to: str = "",
                 verified_control: bool = True) -> None:
        zh = current_language().startswith("zh")
        areas, members = choices.areas, choices.members
        needs = {c.id: c.name_zh if zh else c.name_en for c in choices.needs}
        self.controls: list[ui.element] = []
        with ui.expansion(_("Filters"), icon="filter_list").classes("w-full bg-white rounded").props("dense") \
                .mark("filters"):
            with ui.row().classes("w-full gap-2 items-end"):
                self.area = ui.select({None: _("All areas"), **areas}, value=None, label=_("Area")) \
                    .classes("min-w-40").mark("filter-area")
                self.member = ui.select({None: _("All members"), **members}, value=None, label=_("Member"),
                                        with_input=True).classes("min-w-40").mark("filter-member")
                if user.role == Role.member:
                    self.member.set_visibility(False)
                self.need = ui.select({None: _("All needs"), **needs}, value=None, label=_("Category of need")) \
                    .classes("min-w-40").mark("filter-need")
                self.date_from = ui.input(_("From"), value=date_from).props("type=date dense").mark("filter-from")
                self.date_to = ui.input(_("To"), value=date_to).props("type=date dense").mark("filter-to")
                self.verified = ui.switch(_("Verified visits only")).mark("filter-verified")
                if not verified_control:
                    self.verified.set_visibility(False)
        self.controls = [self.area, self.member, self.need, self.date_from, self.date_to, self.verified]

    def on_change(self, callback: Callable[[], object]) -> None:
        for control in self.controls:
            control.on_value_change(lambda _e: callback())

    def values(self) -> dict:
        """Keyword arguments for api.filters.filters_query."""
        return {"area": self.area.value, "member": self.member.value, "need": self.need.value,
                "date_from": self.date_from.value or None, "date_to": self.date_to.value or None,
                "verified": bool(self.verified.value)}

    def api_filters(self) -> dict:
        """Query parameters of /api/v1/map-data."""
        v = self.values()
        return {"area": v["area"], "member": v["member"], "need": v["need"], "from": v["date_from"] or "",
                "to": v["date_to"] or "", "verified": "1" if v["verified"] else ""}

    def map_filters(self) -> MapFilters:
        tz = ZoneInfo(get_settings().time_zone)
        end = day_start(self.date_to.value, tz)
        return MapFilters(area_id=self.area.value, member_id=self.member.value, need_id=self.need.value,
                          date_from=day_start(self.date_from.value, tz),
                          date_to=end + timedelta(days=1) if end else None,
                          verified_only=bool(self.verified.value))
