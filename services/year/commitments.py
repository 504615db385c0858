"""A member's yearly commitments to residents: make one, note progress (with photos), mark it kept
or not kept with a reason; coordinators follow those of their area."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.i18n import N_
from models import (
    Commitment,
    CommitmentNote,
    CommitmentPhoto,
    CommitmentStatus,
    Role,
    User,
)
from models.common import utcnow
from models.year import CommitmentBase, CommitmentNoteBase
from services import audit
from services.errors import Forbidden, InvalidInput, NotFound
from services.inputs import CheckedInput, check_length
from services.org.areas import area_within
from services.org.calendar_year import current_year
from services.photos.files import store_photo_files
from services.photos.pipeline import ProcessedPhoto
from services.photos.store import PhotoStore
from services.policy import MANAGERS, area_scope, holds, may_keep_commitments

MAX_PER_YEAR = 2
MAX_PHOTOS_PER_NOTE = 4
TEXT_TOO_LONG = N_("The text is longer than {n} characters.")

STATUS_LABELS = {
    CommitmentStatus.open: N_("Under way"),
    CommitmentStatus.kept: N_("Kept"),
    CommitmentStatus.not_kept: N_("Not kept"),
}


class CommitmentInput(CommitmentBase, CheckedInput):
    """What a member writes on a commitment: its title and details, and when it closes, the reason."""

    too_long = {"title": TEXT_TOO_LONG, "description": TEXT_TOO_LONG, "outcome_reason": TEXT_TOO_LONG}


class CommitmentNoteInput(CommitmentNoteBase, CheckedInput):
    """A progress note's text."""

    too_long = {"text": TEXT_TOO_LONG}


@dataclass
class NoteView:
    note: CommitmentNote
    author_name: str
    photos: list[CommitmentPhoto] = field(default_factory=list)


def may_commit(actor: User) -> bool:
    """Members (and coordinators who also serve as members) keep commitments; they need an area."""
    return may_keep_commitments(actor) and actor.area_id is not None


def _text(value: str, empty_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(empty_message)
    return value


def create_commitment(session: Session, actor: User, title: str, description: str = "", year: int | None = None,
                      now: datetime | None = None) -> Commitment:
    """One or two concrete commitments per member and year."""
    if not may_commit(actor):
        raise Forbidden(N_("Only members record commitments."))
    now = now or utcnow()
    this_year = current_year(now=now)
    year = year or this_year
    if year not in (this_year, this_year + 1):
        raise InvalidInput(N_("Commitments are made for this year or the next."))
    data = CommitmentInput(title=_text(title, N_("Say what you commit to.")), description=(description or "").strip())
    count = session.exec(select(func.count()).select_from(Commitment).where(
        Commitment.member_id == actor.id, Commitment.year == year)).one()
    if count >= MAX_PER_YEAR:
        raise InvalidInput(N_("You already have {n} commitments for {year}."), n=MAX_PER_YEAR, year=year)
    commitment = Commitment(member_id=actor.id, area_id=actor.area_id, year=year, title=data.title,  # type: ignore[arg-type]
                            description=data.description, created_at=now, updated_at=now)
    session.add(commitment)
    session.flush()
    audit.record(session, actor, "commitment.create", "commitment", commitment.id)
    return commitment


def can_read(session: Session, actor: User, commitment: Commitment) -> bool:
    if not actor.active:
        return False
    if commitment.member_id == actor.id or actor.role == Role.admin:
        return True
    return actor.role == Role.coordinator and area_within(session, commitment.area_id, actor.area_id)


def get_commitment(session: Session, actor: User, commitment_id: int) -> Commitment:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or not can_read(session, actor, commitment):
        raise NotFound(N_("Commitment not found."))
    return commitment


def _own(session: Session, actor: User, commitment_id: int) -> Commitment:
    commitment = get_commitment(session, actor, commitment_id)
    if commitment.member_id != actor.id:
        raise Forbidden(N_("Only the member who made a commitment updates it."))
    return commitment


def add_note(session: Session, actor: User, commitment_id: int, text: str,
             photos: list[ProcessedPhoto] | None = None, store: PhotoStore | None = None,
             now: datetime | None = None) -> CommitmentNote:
    """A dated progress note, with photos processed by the shared pipeline (metadata stripped)."""
    now = now or utcnow()
    commitment = _own(session, actor, commitment_id)
    photos = photos or []
    text = CommitmentNoteInput(text=(text or "").strip()).text
    if not text and not photos:
        raise InvalidInput(N_("Write a note or add a photo."))
    if len(photos) > MAX_PHOTOS_PER_NOTE:
        raise InvalidInput(N_("At most {n} photos per note."), n=MAX_PHOTOS_PER_NOTE)
    note = CommitmentNote(commitment_id=commitment.id, author_id=actor.id, text=text,  # type: ignore[arg-type]
                          created_at=now)
    session.add(note)
    session.flush()
    for photo in photos:
        file_key, thumb_key = store_photo_files(session, photo, store)
        session.add(CommitmentPhoto(note_id=note.id, commitment_id=commitment.id, file_key=file_key,  # type: ignore[arg-type]
                                    thumb_key=thumb_key, width=photo.width, height=photo.height,
                                    size_bytes=len(photo.image), upload_sha256=photo.sha256, created_at=now))
    commitment.updated_at = now
    session.add(commitment)
    session.flush()
    audit.record(session, actor, "commitment.note", "commitment", commitment.id)
    return note


def close_commitment(session: Session, actor: User, commitment_id: int, kept: bool, reason: str,
                     now: datetime | None = None) -> Commitment:
    """Mark it kept or not kept; the reason is shown to residents on the board."""
    now = now or utcnow()
    commitment = _own(session, actor, commitment_id)
    reason = check_length(CommitmentInput, "outcome_reason", _text(reason, N_("Give the reason residents will read.")))
    commitment.status = CommitmentStatus.kept if kept else CommitmentStatus.not_kept
    commitment.outcome_reason = reason
    commitment.closed_at = commitment.updated_at = now
    session.add(commitment)
    session.flush()
    audit.record(session, actor, f"commitment.{commitment.status.value}", "commitment", commitment.id)
    return commitment


def reopen_commitment(session: Session, actor: User, commitment_id: int, now: datetime | None = None) -> Commitment:
    commitment = _own(session, actor, commitment_id)
    commitment.status, commitment.outcome_reason, commitment.closed_at = CommitmentStatus.open, "", None
    commitment.updated_at = now or utcnow()
    session.add(commitment)
    session.flush()
    audit.record(session, actor, "commitment.reopen", "commitment", commitment.id)
    return commitment


def my_commitments(session: Session, actor: User, year: int) -> list[Commitment]:
    return list(session.exec(select(Commitment).where(Commitment.member_id == actor.id, Commitment.year == year)
                             .order_by(Commitment.id)).all())


def area_commitments(session: Session, actor: User, year: int) -> list[tuple[Commitment, User]]:
    """Coordinators: every commitment made in their area for the year."""
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("Only coordinators see the commitments of an area."))
    query = select(Commitment, User).join(User, col(User.id) == Commitment.member_id).where(Commitment.year == year)
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, Commitment.area_id))
    return list(session.exec(query.order_by(User.name, Commitment.id)).all())


def notes(session: Session, actor: User, commitment_id: int) -> list[NoteView]:
    commitment = get_commitment(session, actor, commitment_id)
    rows = session.exec(select(CommitmentNote).where(CommitmentNote.commitment_id == commitment.id)
                        .order_by(col(CommitmentNote.created_at).desc(), col(CommitmentNote.id).desc())).all()
    photos = session.exec(select(CommitmentPhoto).where(CommitmentPhoto.commitment_id == commitment.id)
                          .order_by(CommitmentPhoto.id)).all()
    ids = {n.author_id for n in rows if n.author_id}
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all()) if ids else {}
    views = {n.id: NoteView(n, names.get(n.author_id, "")) for n in rows}
    for photo in photos:
        if photo.note_id in views:
            views[photo.note_id].photos.append(photo)
    return list(views.values())


def my_commitments_with_notes(session: Session, actor: User, year: int) -> list[tuple[Commitment, list[NoteView]]]:
    """A member's commitments for the year, each with its progress notes (newest first)."""
    return [(c, notes(session, actor, c.id)) for c in my_commitments(session, actor, year)]  # type: ignore[arg-type]


def get_commitment_photo(session: Session, actor: User, photo_id: int) -> CommitmentPhoto:
    """Photos are for the member and coordinators only: they may show residents."""
    photo = session.get(CommitmentPhoto, photo_id)
    if photo is None:
        raise NotFound(N_("Photo not found."))
    get_commitment(session, actor, photo.commitment_id)
    return photo
