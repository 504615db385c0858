"""Service posts: a coordinator defines posts with duties for an area; members apply or are assigned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core.i18n import N_
from models import Area, AssignmentStatus, PostAssignment, Role, ServicePost, User
from models.common import utcnow
from models.year import ServicePostBase
from services import audit
from services.errors import Forbidden, InvalidInput, NotFound
from services.inputs import CheckedInput
from services.org.areas import area_within, subtree_ids
from services.policy import MANAGERS, POST_HOLDERS, area_scope, holds, may_hold_posts
from services.privacy.ethical_line.guard import refuse_marking_names

ASSIGNMENT_LABELS = {
    AssignmentStatus.applied: N_("Applied"),
    AssignmentStatus.assigned: N_("Assigned"),
    AssignmentStatus.ended: N_("Ended"),
}


TOO_LONG = N_("The name or duties are too long.")


class ServicePostInput(ServicePostBase, CheckedInput):
    """A post as a coordinator defines or edits it."""

    too_long = {"name": TOO_LONG, "duties": TOO_LONG}


@dataclass
class PostView:
    post: ServicePost
    holders: list[tuple[PostAssignment, User]] = field(default_factory=list)
    applicants: list[tuple[PostAssignment, User]] = field(default_factory=list)

    @property
    def seats_left(self) -> int:
        return max(0, self.post.seats - len(self.holders))


def _ancestors(session: Session, area_id: int | None) -> list[int]:
    area = session.get(Area, area_id) if area_id else None
    return [int(p) for p in area.path.strip("/").split("/") if p] if area else []


def _may_manage(session: Session, actor: User, area_id: int | None) -> bool:
    if not actor.active:
        return False
    return actor.role == Role.admin or (actor.role == Role.coordinator and area_within(session, area_id, actor.area_id))


def save_post(session: Session, actor: User, area_id: int, name: str, duties: str, seats: int,
              active: bool = True, post_id: int | None = None) -> ServicePost:
    if not _may_manage(session, actor, area_id):
        raise Forbidden(N_("You can only define posts in your own area."))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(N_("Name the post."))
    data = ServicePostInput(name=name, duties=(duties or "").strip(), seats=seats, active=active)
    refuse_marking_names(data.name)
    if not 1 <= data.seats <= 100:
        raise InvalidInput(N_("A post has between 1 and 100 places."))
    post = session.get(ServicePost, post_id) if post_id else ServicePost(area_id=area_id, name=data.name,
                                                                         created_by_id=actor.id)
    if post is None or (post_id and not _may_manage(session, actor, post.area_id)):
        raise NotFound(N_("Post not found."))
    post.area_id = area_id
    post.name, post.duties, post.seats, post.active = data.name, data.duties, data.seats, data.active
    session.add(post)
    session.flush()
    audit.record(session, actor, "service_post.save", "servicepost", post.id)
    return post


def _views(session: Session, posts: list[ServicePost]) -> list[PostView]:
    views = {p.id: PostView(p) for p in posts}
    if not views:
        return []
    rows = session.exec(select(PostAssignment, User).join(User, col(User.id) == PostAssignment.member_id)
                        .where(col(PostAssignment.post_id).in_(list(views)),
                               PostAssignment.status != AssignmentStatus.ended)
                        .order_by(User.name)).all()
    for assignment, user in rows:
        view = views[assignment.post_id]
        (view.holders if assignment.status == AssignmentStatus.assigned else view.applicants).append((assignment, user))
    return list(views.values())


def managed_posts(session: Session, actor: User) -> list[PostView]:
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("Only coordinators manage service posts."))
    query = select(ServicePost)
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, ServicePost.area_id))
    return _views(session, list(session.exec(query.order_by(ServicePost.area_id, ServicePost.name)).all()))


def open_posts_for(session: Session, actor: User) -> list[PostView]:
    """Active posts a member may apply to: in their area, below it or above it."""
    if actor.area_id is None:
        return []
    ids = set(subtree_ids(session, actor.area_id)) | set(_ancestors(session, actor.area_id))
    posts = session.exec(select(ServicePost).where(col(ServicePost.active).is_(True),
                                                   col(ServicePost.area_id).in_(ids)).order_by(ServicePost.name)).all()
    return _views(session, list(posts))


def public_posts(session: Session, area_ids: list[int]) -> list[PostView]:
    posts = session.exec(select(ServicePost).where(col(ServicePost.active).is_(True),
                                                   col(ServicePost.area_id).in_(area_ids)).order_by(ServicePost.name))
    return _views(session, list(posts.all()))


def member_posts(session: Session, member_id: int, statuses: tuple[AssignmentStatus, ...] = (
        AssignmentStatus.applied, AssignmentStatus.assigned)) -> list[tuple[PostAssignment, ServicePost]]:
    return list(session.exec(select(PostAssignment, ServicePost).join(ServicePost, col(ServicePost.id) ==
                                                                      PostAssignment.post_id)
                             .where(PostAssignment.member_id == member_id, col(PostAssignment.status).in_(statuses))
                             .order_by(ServicePost.name)).all())


def _active_assignment(session: Session, post_id: int, member_id: int) -> PostAssignment | None:
    return session.exec(select(PostAssignment).where(PostAssignment.post_id == post_id,
                                                     PostAssignment.member_id == member_id,
                                                     PostAssignment.status != AssignmentStatus.ended)).first()


def _holders(session: Session, post_id: int) -> int:
    return session.exec(select(func.count()).select_from(PostAssignment).where(
        PostAssignment.post_id == post_id, PostAssignment.status == AssignmentStatus.assigned)).one()


def apply_for_post(session: Session, actor: User, post_id: int, now: datetime | None = None) -> PostAssignment:
    if not may_hold_posts(actor):
        raise Forbidden(N_("Only members apply for service posts."))
    if post_id not in {v.post.id for v in open_posts_for(session, actor)}:
        raise NotFound(N_("Post not found."))
    existing = _active_assignment(session, post_id, actor.id)  # type: ignore[arg-type]
    if existing is not None:
        return existing
    assignment = PostAssignment(post_id=post_id, member_id=actor.id, status=AssignmentStatus.applied,  # type: ignore[arg-type]
                                applied_at=now or utcnow())
    session.add(assignment)
    session.flush()
    audit.record(session, actor, "service_post.apply", "servicepost", post_id)
    return assignment


def assign_member(session: Session, actor: User, post_id: int, member_id: int,
                  now: datetime | None = None) -> PostAssignment:
    """Assign a member (accepting their application, if any) while places are left."""
    now = now or utcnow()
    post = session.get(ServicePost, post_id)
    if post is None or not _may_manage(session, actor, post.area_id):
        raise NotFound(N_("Post not found."))
    member = session.get(User, member_id)
    area_ok = member is not None and (area_within(session, member.area_id, post.area_id)
                                      or member.area_id in _ancestors(session, post.area_id))
    if not may_hold_posts(member) or not area_ok:
        raise InvalidInput(N_("Choose a member of this area."))
    assignment = _active_assignment(session, post_id, member_id)
    if assignment is not None and assignment.status == AssignmentStatus.assigned:
        return assignment
    if _holders(session, post_id) >= post.seats:
        raise InvalidInput(N_("All places of this post are taken."))
    assignment = assignment or PostAssignment(post_id=post_id, member_id=member_id)
    assignment.status, assignment.assigned_at, assignment.decided_by_id = AssignmentStatus.assigned, now, actor.id
    session.add(assignment)
    session.flush()
    audit.record(session, actor, "service_post.assign", "postassignment", assignment.id)
    return assignment


def end_assignment(session: Session, actor: User, assignment_id: int, now: datetime | None = None) -> PostAssignment:
    """A coordinator ends a holder's term or declines an application; a member withdraws their own."""
    assignment = session.get(PostAssignment, assignment_id)
    post = session.get(ServicePost, assignment.post_id) if assignment else None
    if assignment is None or post is None or not (
            assignment.member_id == actor.id or _may_manage(session, actor, post.area_id)):
        raise NotFound(N_("Assignment not found."))
    assignment.status, assignment.ended_at, assignment.decided_by_id = AssignmentStatus.ended, now or utcnow(), actor.id
    session.add(assignment)
    session.flush()
    audit.record(session, actor, "service_post.end", "postassignment", assignment.id)
    return assignment


def members_of_area(session: Session, actor: User, area_id: int) -> list[User]:
    if not _may_manage(session, actor, area_id):
        return []
    return list(session.exec(select(User).where(col(User.active).is_(True),
                                                col(User.role).in_(POST_HOLDERS),
                                                or_(col(User.area_id).in_(subtree_ids(session, area_id)),
                                                    col(User.area_id).in_(_ancestors(session, area_id)))))
                .all())
