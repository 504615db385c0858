"""A resident's rights (PIPL, GDPR): all of a household's data as one archive, and hard deletion.

Extending it: a feature that stores rows about a household (e.g. residents' requests) registers a
provider, which ``services.registries.assemble`` adds at start-up::

    from services.privacy.resident_data import ResidentDataProvider, register_resident_data

    register_resident_data(ResidentDataProvider(
        name="requests",
        export=lambda session, household_id: ([...json-able rows...], {"requests/1.jpg": b"..."}),
        delete=lambda session, household_id: [...photo-store keys to delete after commit...],
    ))

``export`` returns the section written under its name in household.json and files to add to the
archive (path inside the archive -> bytes). ``delete`` deletes its rows in the given session
(flushing is enough; the caller commits) and returns photo-store keys whose files are removed
after the commit. Providers are deleted newest-registered first, so a later feature's rows go
before the visits and the household they may point at.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from core.i18n import N_
from models import (
    Household,
    HouseholdNeed,
    NeedCategory,
    Pairing,
    Photo,
    User,
    Visit,
    VisitAnswer,
    VisitReview,
    VisitRevision,
)
from models.common import utcnow
from services import audit
from services.errors import Forbidden
from services.households.records import get_household
from services.photos.cleanup import delete_after_commit
from services.photos.store import get_photo_store
from services.policy import may_manage_households

ExportFn = Callable[[Session, int], tuple[Any, dict[str, bytes]]]
DeleteFn = Callable[[Session, int], list[str]]


@dataclass(frozen=True)
class ResidentDataProvider:
    name: str
    export: ExportFn | None = None
    delete: DeleteFn | None = None


_PROVIDERS: dict[str, ResidentDataProvider] = {}


def register_resident_data(provider: ResidentDataProvider) -> None:
    """Add (or replace, by name) a provider; safe to call again when a module is re-imported."""
    _PROVIDERS[provider.name] = provider


def providers() -> list[ResidentDataProvider]:
    return list(_PROVIDERS.values())


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def row_as_dict(model: Any, exclude: set[str] | None = None) -> dict[str, Any]:
    return {k: _plain(v) for k, v in model.model_dump(exclude=exclude or set()).items()}


# --- built-in providers: needs, pairings, visits with photos ------------------------------------

def _export_needs(session: Session, household_id: int) -> tuple[Any, dict[str, bytes]]:
    rows = session.exec(
        select(NeedCategory.name_en, NeedCategory.name_zh)
        .join(HouseholdNeed, HouseholdNeed.category_id == NeedCategory.id)
        .where(HouseholdNeed.household_id == household_id)
    ).all()
    return [{"name_en": en, "name_zh": zh} for en, zh in rows], {}


def _delete_needs(session: Session, household_id: int) -> list[str]:
    for link in session.exec(select(HouseholdNeed).where(HouseholdNeed.household_id == household_id)).all():
        session.delete(link)
    return []


def _export_pairings(session: Session, household_id: int) -> tuple[Any, dict[str, bytes]]:
    rows = session.exec(
        select(Pairing, User.name).join(User, User.id == Pairing.member_id).where(Pairing.household_id == household_id)
        .order_by(Pairing.id)
    ).all()
    return [{"member": name, "started_at": _plain(p.started_at), "ended_at": _plain(p.ended_at)}
            for p, name in rows], {}


def _delete_pairings(session: Session, household_id: int) -> list[str]:
    for pairing in session.exec(select(Pairing).where(Pairing.household_id == household_id)).all():
        session.delete(pairing)
    return []


def _export_visits(session: Session, household_id: int) -> tuple[Any, dict[str, bytes]]:
    store = get_photo_store()
    files: dict[str, bytes] = {}
    visits = []
    rows = session.exec(
        select(Visit, User.name).join(User, User.id == Visit.member_id).where(Visit.household_id == household_id)
        .order_by(Visit.visited_at)
    ).all()
    for visit, member_name in rows:
        item = row_as_dict(visit, exclude={"member_id", "household_id"})
        item["member"] = member_name
        item["photos"] = []
        for photo in session.exec(select(Photo).where(Photo.visit_id == visit.id).order_by(Photo.id)).all():
            path = f"photos/{visit.id}/{photo.id}.jpg"
            try:
                files[path] = store.get(photo.file_key)
            except FileNotFoundError:
                path = ""
            item["photos"].append({"file": path, "width": photo.width, "height": photo.height,
                                   "created_at": _plain(photo.created_at)})
        visits.append(item)
    return visits, files


def _delete_visits(session: Session, household_id: int) -> list[str]:
    visit_ids = list(session.exec(select(Visit.id).where(Visit.household_id == household_id)).all())
    if not visit_ids:
        return []
    photos = list(session.exec(select(Photo).where(col(Photo.visit_id).in_(visit_ids))).all())
    keys = [k for p in photos for k in (p.file_key, p.thumb_key)]
    # The visits' review history and the member's answers go with them (an answer names a photo).
    for table in (VisitAnswer, VisitReview):
        session.exec(delete(table).where(col(table.visit_id).in_(visit_ids)))  # type: ignore[call-overload]
    session.flush()
    for photo in photos:
        session.delete(photo)
    # Other households' photos may name one of these visits as an earlier use of the picture.
    session.exec(update(Photo).where(col(Photo.duplicate_of_visit_id).in_(visit_ids))  # type: ignore[call-overload]
                 .values(duplicate_of_visit_id=None))
    for revision in session.exec(select(VisitRevision).where(col(VisitRevision.visit_id).in_(visit_ids))).all():
        session.delete(revision)
    session.flush()
    for visit in session.exec(select(Visit).where(col(Visit.id).in_(visit_ids))).all():
        session.delete(visit)
    return keys


register_resident_data(ResidentDataProvider("needs", _export_needs, _delete_needs))
register_resident_data(ResidentDataProvider("pairings", _export_pairings, _delete_pairings))
register_resident_data(ResidentDataProvider("visits", _export_visits, _delete_visits))


# --- the two rights --------------------------------------------------------------------------

def _managed_household(session: Session, actor: User, household_id: int) -> Household:
    household = get_household(session, actor, household_id, audit_read=False)
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage households."))
    return household


def export_household_archive(session: Session, actor: User, household_id: int) -> bytes:
    """A zip: household.json (the household and every provider's section) plus photo files."""
    household = _managed_household(session, actor, household_id)
    document: dict[str, Any] = {"exported_at": _plain(utcnow()), "household": row_as_dict(household)}
    files: dict[str, bytes] = {}
    for provider in providers():
        if provider.export is None:
            continue
        section, provider_files = provider.export(session, household_id)
        document[provider.name] = section
        files.update(provider_files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("household.json", json.dumps(document, ensure_ascii=False, indent=2))
        for path, data in sorted(files.items()):
            archive.writestr(path, data, compress_type=zipfile.ZIP_STORED)
    audit.record(session, actor, "resident.export", "household", household_id)
    return out.getvalue()


def delete_household_data(session: Session, actor: User, household_id: int) -> None:
    """Hard-delete the household and everything derived from it (rows, photo files, thumbnails,
    hashes). One audit entry "resident.delete" with the household id remains; earlier audit
    entries hold ids only and are kept."""
    household = _managed_household(session, actor, household_id)
    keys: list[str] = []
    for provider in reversed(providers()):
        if provider.delete is not None:
            keys.extend(provider.delete(session, household_id))
            session.flush()
    session.delete(household)
    session.flush()
    delete_after_commit(session, keys)
    audit.record(session, actor, "resident.delete", "household", household_id)

