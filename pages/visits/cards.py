"""One visit shown as a card: used on the household page and the coordinator's visit list."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from core.config import get_settings
from core.i18n import N_, _, format_date, format_datetime, format_number
from models import LocationSource, Photo, ReviewState, Visit
from services.visits.review.review import STATE_LABELS, ReviewDetails
from services.visits.review.signals import describe

SOURCE_LABELS = {
    LocationSource.gps: N_("GPS"),
    LocationSource.pin: N_("Pin on map"),
    LocationSource.address: N_("Registered address"),
    LocationSource.door_card: N_("Verified by door card"),
    LocationSource.none: N_("No location"),
}


STATE_COLOURS = {ReviewState.approved: "positive", ReviewState.has_issues: "warning",
                 ReviewState.rejected: "negative", ReviewState.received: "grey"}


def verification_badge(visit: Visit) -> None:
    if visit.verified:
        ui.badge(_("Verified at the household"), color="positive").mark(f"verified-{visit.id}")
    elif visit.location_source == LocationSource.address:
        ui.badge(_("Not measured"), color="grey").mark(f"unverified-{visit.id}")
    else:
        ui.badge(_("Not verified"), color="grey").mark(f"unverified-{visit.id}")


def review_badge(visit: Visit) -> None:
    """The review state when it says something: pending review, approved, has issues, rejected."""
    state = ReviewState(visit.review_state)
    if state == ReviewState.received:
        if not visit.counts:
            ui.badge(_("Pending review"), color="orange").mark(f"pending-{visit.id}")
        return
    ui.badge(_(STATE_LABELS[state]), color=STATE_COLOURS[state]).mark(f"review-{state.value}-{visit.id}")


def review_lines(visit: Visit, review: ReviewDetails | None) -> None:
    """The signals with their reasons, the coordinator's last comment and the member's answer."""
    for signal in visit.signals or []:
        with ui.row().classes("gap-1 no-wrap items-start").mark(f"signal-{signal.get('code')}"):
            ui.icon("warning", color="warning").classes("text-base shrink-0")
            ui.label(describe(signal)).classes("text-sm")
    if review is None:
        return
    if review.last_comment:
        with ui.row().classes("gap-1 no-wrap").mark("review-comment"):
            ui.label(_("Coordinator's comment:")).classes("text-sm font-medium shrink-0")
            ui.label(review.last_comment).classes("text-sm whitespace-pre-wrap")
    if review.answer is not None:
        with ui.row().classes("gap-1 no-wrap").mark("review-answer"):
            ui.label(_("Member's answer:")).classes("text-sm font-medium shrink-0")
            ui.label(review.answer.note or _("(a photo)")).classes("text-sm whitespace-pre-wrap")


def visit_card(visit: Visit, member_name: str, photos: list[Photo], earlier_dates: dict, title: str = "",
               title_link: str = "", review: ReviewDetails | None = None,
               actions: Callable[[Visit], None] | None = None) -> None:
    tz = get_settings().time_zone
    with ui.card().classes("ds-card").props("flat bordered").mark(f"visit-{visit.id}"):
        with ui.row().classes("w-full items-center justify-between"):
            if title_link:
                ui.link(title, title_link).classes("font-medium")
            else:
                ui.label(title or format_datetime(visit.visited_at, tz)).classes("font-medium")
            with ui.row().classes("gap-1"):
                verification_badge(visit)
                review_badge(visit)
        detail = [_("By {name}").format(name=member_name), _(SOURCE_LABELS[visit.location_source])]
        # The registered address is not a measurement: its signal line says so, no "0 m" here.
        if visit.location_source != LocationSource.address and visit.distance_m is not None:
            detail.append(_("{m} m from the registered address.").format(m=format_number(round(visit.distance_m))))
        ui.label(" · ".join(detail)).classes("text-sm text-gray-600")
        if title:
            ui.label(format_datetime(visit.visited_at, tz)).classes("text-sm text-gray-600")
        for label, text in ((_("Notes"), visit.notes), (_("Needs raised"), visit.needs_raised),
                            (_("Help given"), visit.help_given)):
            if text:
                with ui.row().classes("gap-1 no-wrap"):
                    ui.label(f"{label}:").classes("text-sm font-medium shrink-0")
                    ui.label(text).classes("text-sm whitespace-pre-wrap")
        if photos:
            with ui.row().classes("gap-2"):
                for photo in photos:
                    with ui.column().classes("gap-0 items-center"):
                        with ui.link(target=f"/photos/{photo.id}", new_tab=True):
                            ui.image(f"/photos/{photo.id}/thumb").classes("w-24 h-24 rounded").props("fit=cover")
                        if photo.duplicate_of_visit_id:
                            when = earlier_dates.get(photo.duplicate_of_visit_id)
                            ui.label(_("This photo was already used on {date}.").format(
                                date=format_date(when, tz) if when else "?")).classes(
                                "text-xs text-negative max-w-24").mark("duplicate-photo")
        review_lines(visit, review)
        if actions is not None:
            actions(visit)
