"""A member's commitments for the year (progress notes with photos, kept or not kept), and the
coordinator's page: the area's commitments and residents' comments to moderate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import events, ui

from core.config import get_settings
from core.i18n import N_, _, format_datetime, labelled
from models import CommentStatus, Commitment, CommitmentStatus
from models.common import max_length
from models.year import CommitmentBase, CommitmentNoteBase
from pages.actions import in_worker, load, page_user, perform
from pages.community.board import commitment_badge
from pages.frame import frame
from pages.messages import notify_error
from services.community.board import comments_to_moderate, moderate_comment
from services.errors import InvalidInput, ServiceError
from services.org.calendar_year import current_year
from services.photos.pipeline import ProcessedPhoto
from services.policy import MANAGERS, YEAR_KEEPERS
from services.visits.records import prepare_photo
from services.year.commitments import (
    MAX_PER_YEAR,
    MAX_PHOTOS_PER_NOTE,
    NoteView,
    add_note,
    area_commitments,
    close_commitment,
    create_commitment,
    my_commitments_with_notes,
    reopen_commitment,
)

Done = Callable[[], Any]


@ui.page("/me/commitments")
async def my_commitments_page() -> None:
    user = await page_user(YEAR_KEEPERS)
    if user is None:
        return
    year = current_year()
    with frame(_("My commitments"), user):
        ui.label(_("One or two concrete commitments for {year}. Residents follow them on the community board: "
                   "do not name residents or give addresses.").format(year=year)).classes("text-sm text-gray-600")
        if user.area_id:
            ui.link(_("See the public board"), f"/public/board/{user.area_id}").classes("text-sm")

        @ui.refreshable
        async def listing() -> None:
            actor = await page_user(YEAR_KEEPERS)
            if actor is None:
                return
            mine = await load(my_commitments_with_notes, actor, year)
            for commitment, history in mine:
                CommitmentCard(commitment, history, listing.refresh).build()
            if len(mine) < MAX_PER_YEAR:
                new_commitment_form(year, listing.refresh)

        await listing()


def new_commitment_form(year: int, done: Done) -> None:
    with ui.card().classes("ds-card").mark("new-commitment"):
        ui.label(_("New commitment")).classes("font-medium")
        title = ui.input(_("What will you do?"), placeholder=_("e.g. fix the lights in stairwell 3")).props(
            f"outlined maxlength={max_length(CommitmentBase, 'title')}").classes("w-full").mark("commitment-title")
        description = ui.textarea(_("Details (optional)")).props(
            f"outlined autogrow maxlength={max_length(CommitmentBase, 'description')}").classes("w-full").mark(
            "commitment-description")

        async def save() -> None:
            await perform(create_commitment, title.value or "", description.value or "", year, roles=YEAR_KEEPERS,
                          done=_("Commitment saved."), refresh=done)

        ui.button(_("Save"), icon="flag", on_click=save).mark("save-commitment")


class CommitmentCard:
    def __init__(self, commitment: Commitment, history: list[NoteView], done: Done) -> None:
        self.commitment = commitment
        self.history = history
        self.done = done
        self.photos: list[ProcessedPhoto] = []

    def build(self) -> None:
        c = self.commitment
        with ui.card().classes("ds-card gap-2").mark(f"commitment-{c.id}"):
            with ui.row().classes("w-full items-start justify-between no-wrap"):
                ui.label(c.title).classes("text-lg font-medium")
                commitment_badge(c.status)
            if c.description:
                ui.label(c.description).classes("text-sm whitespace-pre-wrap")
            if c.outcome_reason:
                ui.label(c.outcome_reason).classes("text-sm text-gray-700").mark("commitment-reason")
            self.show_history()
            if c.status == CommitmentStatus.open:
                self.note_form()
                with ui.row().classes("gap-2"):
                    ui.button(_("Kept"), icon="check_circle", on_click=lambda: self.close_dialog(True)).props(
                        "outline color=positive").mark(f"kept-{c.id}")
                    ui.button(_("Not kept"), icon="cancel", on_click=lambda: self.close_dialog(False)).props(
                        "outline color=grey-8").mark(f"not-kept-{c.id}")
            else:
                ui.button(_("Reopen"), icon="undo", on_click=self.reopen).props("flat dense")

    def show_history(self) -> None:
        """The progress notes, newest first, with their photos."""
        tz = get_settings().time_zone
        for view in self.history:
            with ui.column().classes("w-full gap-1 border-l-2 pl-2"):
                ui.label(format_datetime(view.note.created_at, tz)).classes("text-xs text-gray-500")
                if view.note.text:
                    ui.label(view.note.text).classes("text-sm whitespace-pre-wrap")
                with ui.row().classes("gap-1"):
                    for photo in view.photos:
                        with ui.link(target=f"/commitment-photos/{photo.id}", new_tab=True):
                            ui.image(f"/commitment-photos/{photo.id}/thumb").classes("w-20 h-20 rounded")

    def note_form(self) -> None:
        with ui.expansion(_("Add a progress note"), icon="edit_note").classes("w-full").mark(
                f"note-{self.commitment.id}"):
            self.text = ui.textarea(_("Progress")).props(
                f"outlined autogrow maxlength={max_length(CommitmentNoteBase, 'text')}").classes("w-full").mark(
                f"note-text-{self.commitment.id}")
            ui.upload(label=_("Photos"), on_upload=self.receive, multiple=True, auto_upload=True).props(
                'accept="image/*" flat bordered').classes("w-full")
            self.photo_count = ui.label().classes("text-xs text-gray-500")
            ui.button(_("Save note"), on_click=self.save_note).mark(f"save-note-{self.commitment.id}")

    async def receive(self, e: events.UploadEventArguments) -> None:
        if len(self.photos) >= MAX_PHOTOS_PER_NOTE:
            notify_error(InvalidInput(N_("At most {n} photos per note."), n=MAX_PHOTOS_PER_NOTE))
            return
        try:
            self.photos.append(await in_worker(prepare_photo, await e.file.read()))
        except ServiceError as exc:
            notify_error(exc)
            return
        self.photo_count.set_text(_("{n} photos ready").format(n=len(self.photos)))

    async def save_note(self) -> None:
        await perform(add_note, self.commitment.id, self.text.value or "", list(self.photos), roles=YEAR_KEEPERS,
                      done=_("Note saved."), refresh=self.done)

    def close_dialog(self, kept: bool) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-sm"):
            ui.label(_("Mark as kept") if kept else _("Mark as not kept")).classes("text-lg font-medium")
            reason = ui.textarea(_("Reason (shown to residents)")).props(
                f"outlined autogrow maxlength={max_length(CommitmentBase, 'outcome_reason')}").classes("w-full").mark(
                "close-reason")

            async def save() -> None:
                if await perform(close_commitment, self.commitment.id, kept, reason.value or "", roles=YEAR_KEEPERS):
                    dialog.close()
                    await self.done()

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save).mark("save-close")
        dialog.open()

    async def reopen(self) -> None:
        await perform(reopen_commitment, self.commitment.id, roles=YEAR_KEEPERS, refresh=self.done)


@ui.page("/commitments")
async def area_commitments_page(year: int = 0) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    year = year or current_year()
    rows = await load(area_commitments, user, year)
    with frame(_("Commitments and comments"), user):
        await moderation()
        ui.label(_("Commitments for {year}").format(year=year)).classes("text-lg font-medium")
        if not rows:
            ui.label(_("No commitments have been made for this year yet.")).classes("text-gray-600")
        for commitment, member in rows:
            with ui.card().classes("ds-card gap-1").props("flat bordered"):
                with ui.row().classes("w-full items-start justify-between no-wrap"):
                    ui.label(labelled(member.name, commitment.title)).classes("font-medium")
                    commitment_badge(commitment.status)
                if commitment.outcome_reason:
                    ui.label(commitment.outcome_reason).classes("text-sm text-gray-700")


async def moderation() -> None:
    ui.label(_("Residents' comments to read")).classes("text-lg font-medium")

    @ui.refreshable
    async def pending() -> None:
        actor = await page_user(MANAGERS)
        if actor is None:
            return
        rows = await load(comments_to_moderate, actor, CommentStatus.pending)
        if not rows:
            ui.label(_("No comments are waiting.")).classes("text-sm text-gray-600").mark("no-pending-comments")
            return
        tz = get_settings().time_zone
        for comment, commitment, name in rows:
            with ui.card().classes("ds-card gap-1").mark(f"pending-comment-{comment.id}"):
                ui.label(_("On {name}: {title}").format(name=name, title=commitment.title)).classes(
                    "text-xs text-gray-500")
                ui.label(comment.text).classes("whitespace-pre-wrap")
                ui.label(format_datetime(comment.created_at, tz)).classes("text-xs text-gray-500")
                with ui.row().classes("gap-2"):
                    ui.button(_("Show on the board"), icon="check",
                              on_click=lambda c=comment.id: decide(c, True)).props("outline color=positive dense") \
                        .mark(f"approve-{comment.id}")
                    ui.button(_("Reject"), icon="block", on_click=lambda c=comment.id: decide(c, False)).props(
                        "outline color=negative dense").mark(f"reject-{comment.id}")

    async def decide(comment_id: int, approve: bool) -> None:
        await perform(moderate_comment, comment_id, approve, roles=MANAGERS, refresh=pending.refresh,
                      done=_("Comment shown on the board.") if approve else _("Comment rejected."))

    await pending()
