"""The public board of a community: members' commitments and posts, service points, and residents'
comments once a coordinator has approved them. No sign-in, so nothing here may identify a resident or
reach a member: display names only, no phone numbers, no households or their addresses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from core.db import session_scope
from core.i18n import N_
from models import (
    Area,
    BoardComment,
    CommentStatus,
    Commitment,
    CommitmentStatus,
    Role,
    ServicePoint,
    User,
)
from models.common import utcnow
from services import audit
from services.accounts.challenge import verify_challenge
from services.community.service_points import public_points
from services.community.service_posts import public_posts
from services.errors import Forbidden, InvalidInput, NotFound
from services.org.areas import subtree_ids
from services.policy import MANAGERS, area_scope, holds, in_area_scope
from services.rate_limits.counting import PUBLIC_ATTEMPTS, PUBLIC_SUBMISSIONS

MAX_COMMENT = 300


@dataclass
class PublicComment:
    text: str
    at: datetime


@dataclass
class PublicCommitment:
    id: int
    title: str
    status: CommitmentStatus
    reason: str
    comments: list[PublicComment] = field(default_factory=list)


@dataclass
class PublicMember:
    name: str  # the display name only
    posts: list[str] = field(default_factory=list)
    commitments: list[PublicCommitment] = field(default_factory=list)


@dataclass
class PublicPost:
    name: str
    duties: str
    seats: int
    holders: list[str]


@dataclass
class BoardView:
    area_id: int
    area_name: str
    year: int
    members: list[PublicMember]
    posts: list[PublicPost]
    points: list[ServicePoint]

    @property
    def kept(self) -> int:
        return sum(c.status == CommitmentStatus.kept for m in self.members for c in m.commitments)

    @property
    def total(self) -> int:
        return sum(len(m.commitments) for m in self.members)


def board(session: Session, area_id: int, year: int) -> BoardView:
    area = session.get(Area, area_id)
    if area is None:
        raise NotFound(N_("This board does not exist."))
    ids = subtree_ids(session, area_id)
    members: dict[int, PublicMember] = {}
    rows = session.exec(select(Commitment, User.name).join(User, col(User.id) == Commitment.member_id)
                        .where(col(Commitment.area_id).in_(ids), Commitment.year == year,
                               col(User.active).is_(True))
                        .order_by(User.name, Commitment.id)).all()
    by_id: dict[int, PublicCommitment] = {}
    for commitment, name in rows:
        card = PublicCommitment(commitment.id, commitment.title, commitment.status,  # type: ignore[arg-type]
                                commitment.outcome_reason)
        by_id[card.id] = card
        members.setdefault(commitment.member_id, PublicMember(name)).commitments.append(card)
    if by_id:
        comments = session.exec(select(BoardComment).where(col(BoardComment.commitment_id).in_(list(by_id)),
                                                           BoardComment.status == CommentStatus.approved)
                                .order_by(BoardComment.created_at)).all()
        for comment in comments:
            by_id[comment.commitment_id].comments.append(PublicComment(comment.text, comment.created_at))
    posts = []
    for view in public_posts(session, ids):
        holders = [user.name for _a, user in view.holders if user.active]
        posts.append(PublicPost(view.post.name, view.post.duties, view.post.seats, holders))
        for assignment, user in view.holders:
            if user.active:
                members.setdefault(assignment.member_id, PublicMember(user.name)).posts.append(view.post.name)
    ordered = sorted(members.values(), key=lambda m: m.name)
    return BoardView(area_id, area.name, year, ordered, posts, public_points(session, area_id))


def communities(session: Session) -> list[Area]:
    return list(session.exec(select(Area).order_by(Area.path)).all())


# --- residents' comments ---------------------------------------------------------------------

def submit_board_comment(session: Session, commitment_id: int, text: str, client_ip: str, challenge_token: str,
                         challenge_answer: str | int | None, now: datetime | None = None) -> BoardComment:
    """A resident's comment: the public form's challenge and per-address limits, then held for moderation."""
    key = client_ip or "unknown"
    PUBLIC_SUBMISSIONS.check(key)
    PUBLIC_ATTEMPTS.hit(key)
    verify_challenge(challenge_token, challenge_answer)
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(N_("Commitment not found."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(N_("Write your comment."))
    if len(text) > MAX_COMMENT:
        raise InvalidInput(N_("The comment is longer than {n} characters."), n=MAX_COMMENT)
    PUBLIC_SUBMISSIONS.hit(key)
    comment = BoardComment(commitment_id=commitment.id, area_id=commitment.area_id, text=text,  # type: ignore[arg-type]
                           created_at=now or utcnow())
    session.add(comment)
    session.flush()
    return comment


def send_board_comment(commitment_id: int, text: str, client_ip: str, challenge_token: str,
                       challenge_answer: str | int | None) -> None:
    """``submit_board_comment`` in a transaction of its own, for a worker thread (no account behind it)."""
    with session_scope() as session:
        submit_board_comment(session, commitment_id, text, client_ip, challenge_token, challenge_answer)


def _check_moderator(actor: User) -> None:
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("Only coordinators moderate comments."))


def comments_to_moderate(session: Session, actor: User,
                         status: CommentStatus = CommentStatus.pending) -> list[tuple[BoardComment, Commitment, str]]:
    """Comments of the actor's area with the commitment and the member's name."""
    _check_moderator(actor)
    query = (select(BoardComment, Commitment, User.name)
             .join(Commitment, col(Commitment.id) == BoardComment.commitment_id)
             .join(User, col(User.id) == Commitment.member_id)
             .where(BoardComment.status == status))
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, BoardComment.area_id))
    return list(session.exec(query.order_by(col(BoardComment.created_at).desc()).limit(200)).all())


def moderate_comment(session: Session, actor: User, comment_id: int, approve: bool,
                     now: datetime | None = None) -> BoardComment:
    _check_moderator(actor)
    comment = session.get(BoardComment, comment_id)
    if comment is None or (actor.role == Role.coordinator
                           and not in_area_scope(session, actor, comment.area_id)):
        raise NotFound(N_("Comment not found."))
    comment.status = CommentStatus.approved if approve else CommentStatus.rejected
    comment.moderated_at, comment.moderated_by_id = now or utcnow(), actor.id
    session.add(comment)
    session.flush()
    audit.record(session, actor, f"board_comment.{comment.status.value}", "boardcomment", comment.id)
    return comment
