"""Service posts: coordinators define them and assign members; members apply. The posts a member holds
also show on their profile."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from sqlmodel import Session

from core.i18n import _
from models import AssignmentStatus, PostAssignment, ServicePost, User
from models.common import max_length
from models.year import ServicePostBase
from pages.actions import load, page_user, perform
from pages.frame import frame
from services.community.service_posts import (
    ASSIGNMENT_LABELS,
    PostView,
    apply_for_post,
    assign_member,
    end_assignment,
    managed_posts,
    member_posts,
    members_of_area,
    open_posts_for,
    save_post,
)
from services.org.areas import areas_visible_to
from services.policy import FIELD_STAFF, may_hold_posts, may_manage_posts

Done = Callable[[], object]


@ui.page("/posts")
async def posts_page() -> None:
    user = await page_user(FIELD_STAFF)
    if user is None:
        return
    with frame(_("Service posts"), user):
        @ui.refreshable
        async def content() -> None:
            actor = await page_user(FIELD_STAFF)
            if actor is None:
                return
            if may_manage_posts(actor):
                await manage_posts(actor, content.refresh)
            if may_hold_posts(actor):
                await member_view(actor, content.refresh)

        await content()


def open_posts_view(session: Session, user: User) -> tuple[list[PostView], dict[int, PostAssignment]]:
    return open_posts_for(session, user), {a.post_id: a for a, _post in member_posts(session, user.id)}  # type: ignore[arg-type]


async def member_view(user: User, done: Done) -> None:
    ui.label(_("Posts you can take")).classes("text-lg font-medium")
    views, mine = await load(open_posts_view, user)
    if not views:
        ui.label(_("No service posts are open in your area.")).classes("text-gray-600")
    for view in views:
        with ui.card().classes("ds-card gap-1").props("flat bordered").mark(f"post-{view.post.id}"):
            with ui.row().classes("w-full items-center justify-between no-wrap"):
                ui.label(view.post.name).classes("font-medium")
                ui.label(_("{left} of {seats} places free").format(left=view.seats_left, seats=view.post.seats)) \
                    .classes("text-sm text-gray-600")
            if view.post.duties:
                ui.label(view.post.duties).classes("text-sm whitespace-pre-wrap")
            assignment = mine.get(view.post.id)
            if assignment is None:
                ui.button(_("Apply"), on_click=lambda p=view.post.id: perform(
                    apply_for_post, p, done=_("Application sent."), refresh=done)).props("outline dense").mark(
                    f"apply-{view.post.id}")
            else:
                with ui.row().classes("items-center gap-2"):
                    ui.badge(_(ASSIGNMENT_LABELS[assignment.status]),
                             color="positive" if assignment.status == AssignmentStatus.assigned else "orange")
                    ui.button(_("Withdraw"), on_click=lambda a_id=assignment.id: perform(
                        end_assignment, a_id, done=_("Done."), refresh=done)).props("flat dense")


def managed_posts_view(session: Session, user: User) -> tuple[list[PostView], dict[int, str],
                                                                 dict[int, dict[int, str]]]:
    views = managed_posts(session, user)
    areas = {a.id: a.name for a in areas_visible_to(session, user) if a.id}
    candidates = {v.post.id: {m.id: m.name for m in members_of_area(session, user, v.post.area_id) if m.id}
                  for v in views if v.post.id}
    return views, areas, candidates


async def manage_posts(user: User, done: Done) -> None:
    views, areas, candidates = await load(managed_posts_view, user)
    with ui.expansion(_("New post"), icon="add").classes("w-full bg-white").mark("new-post"):
        post_form(user, areas, None, done)
    for view in views:
        post_card(view, areas, candidates.get(view.post.id, {}), user, done)


def post_form(user: User, areas: dict[int, str], view: PostView | None, done: Done) -> None:
    post = view.post if view else None
    area = ui.select(areas, value=post.area_id if post else next(iter(areas), None), label=_("Area")).props(
        "outlined dense").classes("w-full")
    name = ui.input(_("Name of the post"), value=post.name if post else "").props(
        f"outlined dense maxlength={max_length(ServicePostBase, 'name')}").classes("w-full").mark("post-name")
    duties = ui.textarea(_("Duties"), value=post.duties if post else "").props(
        f"outlined autogrow maxlength={max_length(ServicePostBase, 'duties')}").classes("w-full").mark("post-duties")
    seats = ui.number(_("Members needed"), value=post.seats if post else 1, min=1, max=100, step=1).props(
        "outlined dense").classes("w-40").mark("post-seats")
    active = ui.checkbox(_("Open"), value=post.active if post else True)
    ui.button(_("Save"), on_click=lambda: perform(
        save_post, area.value, name.value or "", duties.value or "", int(seats.value or 1), active.value,
        post.id if post else None, done=_("Post saved."), refresh=done)).mark("save-post")


def post_card(view: PostView, areas: dict[int, str], candidates: dict[int, str], user: User, done: Done) -> None:
    with ui.card().classes("ds-card gap-1").mark(f"manage-post-{view.post.id}"):
        with ui.row().classes("w-full items-center justify-between no-wrap"):
            ui.label(view.post.name).classes("text-lg font-medium")
            ui.label(_("{left} of {seats} places free").format(left=view.seats_left, seats=view.post.seats)).classes(
                "text-sm text-gray-600")
        ui.label(areas.get(view.post.area_id, "")).classes("text-xs text-gray-500")
        if view.post.duties:
            ui.label(view.post.duties).classes("text-sm whitespace-pre-wrap")
        for assignment, member in view.holders + view.applicants:
            with ui.row().classes("items-center gap-2"):
                ui.label(member.name)
                ui.badge(_(ASSIGNMENT_LABELS[assignment.status]),
                         color="positive" if assignment.status == AssignmentStatus.assigned else "orange")
                if assignment.status == AssignmentStatus.applied:
                    ui.button(_("Assign"), on_click=lambda p=view.post.id, m=member.id: perform(
                        assign_member, p, m, done=_("Member assigned."), refresh=done)).props("dense outline")
                ui.button(_("End") if assignment.status == AssignmentStatus.assigned else _("Decline"),
                          on_click=lambda a_id=assignment.id: perform(end_assignment, a_id, done=_("Done."),
                                                                     refresh=done)).props("dense flat")
        with ui.row().classes("items-end gap-2"):
            who = ui.select(candidates, label=_("Assign a member")).props("outlined dense").classes("min-w-48").mark(
                f"assign-{view.post.id}")
            ui.button(_("Assign"), on_click=lambda: perform(
                assign_member, view.post.id, who.value or 0, done=_("Member assigned."), refresh=done,
            )).props("dense").mark(f"save-assign-{view.post.id}")
        with ui.expansion(_("Edit"), icon="edit").classes("w-full"):
            post_form(user, areas, view, done)


def profile_posts(rows: list[tuple[PostAssignment, ServicePost]]) -> None:
    """The posts a member holds or applied for (``member_posts``), on their profile."""
    if not rows:
        return
    with ui.card().classes("ds-card gap-1").mark("profile-posts"):
        ui.label(_("Service posts")).classes("text-lg font-medium")
        for assignment, post in rows:
            with ui.row().classes("items-center gap-2"):
                ui.label(post.name).classes("font-medium")
                ui.badge(_(ASSIGNMENT_LABELS[assignment.status]),
                         color="positive" if assignment.status == AssignmentStatus.assigned else "orange")
            if post.duties:
                ui.label(post.duties).classes("text-sm text-gray-600 whitespace-pre-wrap")
