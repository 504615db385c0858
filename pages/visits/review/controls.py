"""What a card offers under a visit: review buttons for a coordinator, the one answer for its member."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from core.i18n import N_, _
from models import ReviewState, User, Visit
from pages.actions import page_user, perform
from pages.messages import error_text
from pages.photo_picker import ADD_PHOTO, PhotoPicker
from services.errors import ServiceError
from services.policy import MANAGERS, VISITORS, holds
from services.visits.review.review import ReviewDetails, answer_visit, may_review, review_visit


def card_actions(viewer: User, details: dict[str, ReviewDetails], on_change: Callable[[], object]) -> \
        Callable[[Visit], None]:
    """The ``actions`` callback of a visit card for this viewer."""
    def actions(visit: Visit) -> None:
        if may_review(viewer) and visit.member_id != viewer.id:
            review_controls(visit, on_change)
        elif (holds(viewer, VISITORS) and visit.member_id == viewer.id
              and visit.review_state == ReviewState.has_issues
              and (visit.id not in details or details[visit.id].answer is None)):
            answer_controls(visit, on_change)
    return actions


def review_controls(visit: Visit, on_change: Callable[[], object]) -> None:
    with ui.column().classes("w-full gap-1").mark(f"review-controls-{visit.id}"):
        comment = ui.textarea(_("Comment (required for has issues and rejected)")).props(
            "outlined dense autogrow").classes("w-full").mark("review-comment-input")
        error = ui.label().classes("text-negative text-sm").mark("review-error")

        def show(exc: ServiceError) -> None:
            error.set_text(error_text(exc))  # the comment stays in the box

        async def mark(state: ReviewState) -> None:
            error.set_text("")
            if await perform(review_visit, visit.id, state, comment.value or "", roles=MANAGERS, on_error=show):
                ui.notify(_("Review saved."), type="positive")
                on_change()

        with ui.row().classes("gap-2"):
            if visit.review_state != ReviewState.approved:
                ui.button(_("Approve"), icon="check", on_click=lambda: mark(ReviewState.approved)).props(
                    "color=positive").mark("review-approve")
            if visit.review_state != ReviewState.has_issues:
                ui.button(_("Has issues"), icon="help", on_click=lambda: mark(ReviewState.has_issues)).props(
                    "color=warning outline").mark("review-has-issues")
            if visit.review_state != ReviewState.rejected:
                ui.button(_("Reject"), icon="block", on_click=lambda: mark(ReviewState.rejected)).props(
                    "color=negative outline").mark("review-reject")


async def _member_here() -> bool:
    """A photo is taken only from a member still signed in."""
    return await page_user(VISITORS) is not None


def answer_controls(visit: Visit, on_change: Callable[[], object]) -> None:
    with ui.column().classes("w-full gap-1").mark(f"answer-controls-{visit.id}"):
        ui.label(_("Answer the coordinator once: a note, a photo, or both.")).classes("text-sm")
        note = ui.textarea(_("Your answer")).props("outlined dense autogrow").classes("w-full").mark("answer-note")
        picker = None
        if visit.photo_consent:
            picker = PhotoPicker(1, N_("One photo with the answer."), "answer-photo", buttons=(ADD_PHOTO,),
                                 allowed=_member_here)
        error = ui.label().classes("text-negative text-sm").mark("answer-error")

        async def send() -> None:
            error.set_text("")
            photo = picker.photos[0] if picker is not None and picker.photos else None
            if await perform(answer_visit, visit.id, note.value or "", photo, roles=VISITORS,
                             on_error=lambda exc: error.set_text(error_text(exc))):
                ui.notify(_("Answer sent."), type="positive")
                on_change()

        ui.button(_("Send answer"), icon="send", on_click=send).classes("w-full").mark("answer-send")
