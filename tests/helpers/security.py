"""Visits with photos for the security tests (privacy, retention, backups)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import Household, LocationSource, Pairing, User, Visit
from models.common import utcnow
from services.demo.organisation import DEMO_PASSWORD
from services.visits.records import VisitInput, prepare_photo, save_visit
from tests.helpers import account
from tests.helpers.photos import photo_bytes


def member_household(session: Session, username: str) -> tuple[User, Household]:
    member = account(session, username)
    pairing = session.exec(select(Pairing).where(Pairing.member_id == member.id)).first()
    assert pairing is not None
    return member, session.get(Household, pairing.household_id)  # type: ignore[return-value]


def visit_with_photos(member: User, household: Household, seeds: list[int], visited_at: datetime | None = None,
                      ) -> Visit:
    data = VisitInput(id=str(uuid.uuid4()), household_id=household.id, visited_at=visited_at or utcnow(),
                      location_source=LocationSource.address, notes="Talked about heating", photo_consent=True)
    return save_visit(member, data, [prepare_photo(photo_bytes(seed)) for seed in seeds])


def days_ago(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


def photo_files(data_dir: Path) -> dict[str, str]:
    """Every file under photos/, relative path -> sha256."""
    root = data_dir / "photos"
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


async def submit_sign_in(user: TestUser, login: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in and send the sign-in form without waiting for any outcome (second step, errors)."""
    await user.http_client.get("/logout")
    await user.open("/login")
    user.find("Phone number or username").type(login)
    user.find("Password").type(password)
    user.find(marker="sign-in").click()
