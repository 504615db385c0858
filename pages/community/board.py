"""The public board of a community, no sign-in: members' commitments and how they went, service posts,
service points, and residents' comments (shown once approved)."""

from __future__ import annotations

from nicegui import ui

from core.config import get_settings
from core.i18n import _, format_date
from models import CommitmentStatus
from pages.actions import in_worker, load
from pages.client_address import client_ip
from pages.frame import frame
from pages.messages import error_text
from pages.requests.report_problem import report_problem_entry
from services.accounts.challenge import new_challenge
from services.community.board import MAX_COMMENT, BoardView, PublicCommitment, board, communities, send_board_comment
from services.errors import NotFound, ServiceError, Throttled
from services.org.calendar_year import current_year
from services.year.commitments import STATUS_LABELS

STATUS_COLORS = {CommitmentStatus.open: "orange", CommitmentStatus.kept: "positive",
                 CommitmentStatus.not_kept: "grey-7"}
BORDER_COLOURS = {CommitmentStatus.open: "#f9a825", CommitmentStatus.kept: "#21ba45",
                  CommitmentStatus.not_kept: "#9e9e9e"}


def commitment_badge(status: CommitmentStatus) -> None:
    ui.badge(_(STATUS_LABELS[status]), color=STATUS_COLORS[status]).props("outline" if status ==
                                                                          CommitmentStatus.open else "").mark(
        f"commitment-{status.value}")


@ui.page("/public/board")
async def board_index_page() -> None:
    areas = await load(communities)
    with frame(_("Community boards")):
        with ui.card().classes("ds-card"):
            ui.label(_("Choose your community to see what its members promised and how it went.")).classes(
                "text-sm text-gray-700")
            for area in areas:
                ui.link(area.name, f"/public/board/{area.id}").classes("text-lg")
        report_problem_entry()


@ui.page("/public/board/{area_id}")
async def board_page(area_id: int, year: int = 0) -> None:
    year = year or current_year()
    try:
        view = await load(board, area_id, year)
    except NotFound as exc:
        with frame(_("Community board")):
            ui.label(error_text(exc)).mark("board-not-found")
        return
    with frame(_("Community board")):
        header(view)
        members(view)
        posts(view)
        service_points(view)


def header(view: BoardView) -> None:
    with ui.card().classes("ds-card bg-red-50").props("flat bordered"):
        ui.label(view.area_name).classes("text-2xl font-bold").mark("board-area")
        ui.label(_("Our members' commitments for {year}").format(year=view.year)).classes("text-gray-700")
        if view.total:
            with ui.row().classes("items-center gap-3 w-full no-wrap"):
                ui.linear_progress(view.kept / view.total, show_value=False, size="10px", color="positive").classes(
                    "grow")
                ui.label(_("{kept} of {total} kept").format(kept=view.kept, total=view.total)).classes(
                    "text-sm font-medium whitespace-nowrap").mark("board-kept")
        with ui.row().classes("gap-3 text-sm"):
            ui.link(_("Previous year"), f"/public/board/{view.area_id}?year={view.year - 1}")
        report_problem_entry()


def members(view: BoardView) -> None:
    if not view.members:
        ui.label(_("No commitments have been made for this year yet.")).classes("ds-card text-gray-600")
        return
    for member in view.members:
        with ui.card().classes("ds-card gap-2").mark("board-member"):
            with ui.row().classes("items-center gap-2"):
                ui.icon("person", size="28px").classes("text-primary")
                ui.label(member.name).classes("text-lg font-medium")
                for post in member.posts:
                    ui.badge(post, color="secondary").props("outline")
            for commitment in member.commitments:
                commitment_block(commitment)


def commitment_block(commitment: PublicCommitment) -> None:
    with ui.column().classes("w-full gap-1 border-l-4 pl-3 py-1").style(
            f"border-color: {BORDER_COLOURS[commitment.status]}"):
        with ui.row().classes("w-full items-start justify-between no-wrap gap-2"):
            ui.label(commitment.title).classes("font-medium")
            commitment_badge(commitment.status)
        if commitment.reason:
            ui.label(commitment.reason).classes("text-sm text-gray-700")
        tz = get_settings().time_zone
        for comment in commitment.comments:
            with ui.row().classes("items-start gap-1 no-wrap text-sm"):
                ui.icon("chat_bubble_outline", size="16px").classes("text-gray-500 mt-1")
                ui.label(f"{comment.text} · {format_date(comment.at, tz)}").classes("text-gray-700")
        ui.button(_("Leave a comment"), icon="add_comment",
                  on_click=lambda c=commitment: CommentDialog(c).open()).props("flat dense no-caps size=sm").classes(
            "self-end").mark(f"comment-{commitment.id}")


def posts(view: BoardView) -> None:
    if not view.posts:
        return
    ui.label(_("Service posts")).classes("text-lg font-medium")
    for post in view.posts:
        with ui.card().classes("ds-card gap-1").props("flat bordered").mark("board-post"):
            ui.label(post.name).classes("font-medium")
            if post.duties:
                ui.label(post.duties).classes("text-sm text-gray-700 whitespace-pre-wrap")
            ui.label(_("Held by: {names}").format(names="、".join(post.holders) or "—")).classes("text-sm")


def service_points(view: BoardView) -> None:
    if not view.points:
        return
    ui.label(_("Where to find help")).classes("text-lg font-medium")
    for point in view.points:
        service_point_card(point)


def service_point_card(point, distance_m: float | None = None) -> None:
    with ui.card().classes("ds-card gap-1").props("flat bordered").mark("service-point"):
        with ui.row().classes("items-center gap-2 no-wrap"):
            ui.icon("location_on", size="24px").classes("text-primary")
            ui.label(point.name).classes("font-medium")
            if distance_m is not None:
                ui.label(_("{km} km").format(km=f"{distance_m / 1000:.1f}")).classes("text-sm text-gray-500")
        for icon, text in (("place", point.address), ("schedule", point.opening_hours), ("call", point.contact),
                           ("volunteer_activism", point.services)):
            if text:
                with ui.row().classes("items-start gap-2 no-wrap text-sm"):
                    ui.icon(icon, size="18px").classes("text-gray-500")
                    ui.label(text).classes("whitespace-pre-wrap")


class CommentDialog:
    """A short comment with the public form's arithmetic question; held until a coordinator approves it."""

    def __init__(self, commitment: PublicCommitment) -> None:
        self.commitment = commitment
        with ui.dialog() as self.dialog, ui.card().classes("w-full max-w-sm"):
            ui.label(commitment.title).classes("font-medium")
            self.text = ui.textarea(_("Your comment")).props(f"outlined autogrow maxlength={MAX_COMMENT} counter") \
                .classes("w-full").mark("comment-text")
            ui.label(_("Do not write names, addresses or phone numbers. A coordinator reads every comment "
                       "before it is shown.")).classes("text-xs text-gray-500")
            self.question = ui.label().classes("text-sm font-medium").mark("challenge-question")
            self.answer = ui.input(_("Answer")).props("outlined dense inputmode=numeric maxlength=3").classes(
                "w-full").mark("challenge-answer")
            self.error = ui.label().classes("text-negative text-sm").mark("comment-error")
            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=self.dialog.close).props("flat")
                self.send_button = ui.button(_("Send"), on_click=self.send).mark("comment-send")
        self.new_question()

    def open(self) -> None:
        self.dialog.open()

    def new_question(self) -> None:
        self.challenge = new_challenge()
        self.question.set_text(_("To show you are a person: what is {question}?").format(
            question=self.challenge.question))
        self.answer.set_value("")

    async def send(self) -> None:
        self.send_button.disable()  # one comment per tap, while the first is still being stored
        try:
            await in_worker(send_board_comment, self.commitment.id, self.text.value or "", client_ip(),
                            self.challenge.token, self.answer.value)
        except ServiceError as exc:
            self.error.set_text(error_text(exc))
            if not isinstance(exc, Throttled):
                self.new_question()
            return
        finally:
            self.send_button.enable()
        self.dialog.close()
        ui.notify(_("Thank you. Your comment will appear once a coordinator has read it."), type="positive",
                  position="top")
