"""Helpers for visit page tests: the most overdue household, uploading photos, waiting for thumbnails."""

from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import Household, Pairing
from tests.helpers import account


async def upload(user: TestUser, data: bytes, name: str = "photo.jpg") -> None:
    """What the page's upload route does once the browser has shrunk and posted a photo."""
    uploader = user.find(marker="photo-upload").elements.pop()
    assert isinstance(uploader, ui.upload)
    await uploader.handle_uploads([ui.upload.SmallFileUpload(name=name, content_type="image/jpeg", _data=data)])


async def wait_for_images(user: TestUser, count: int) -> None:
    for _ in range(100):
        try:
            if len(user.find(kind=ui.image).elements) >= count:
                return
        except AssertionError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} photo previews")


def most_overdue_household(session: Session, member_username: str) -> Household:
    member = account(session, member_username)
    ids = session.exec(select(Pairing.household_id).where(Pairing.member_id == member.id)).all()
    households = [session.get(Household, i) for i in ids]
    return sorted(households, key=lambda h: (h.last_visit_at is not None, h.last_visit_at or 0))[0]
