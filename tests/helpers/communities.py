"""The demo organisation's two communities and their coordinators, as the map and coverage tests use them."""

from __future__ import annotations

from sqlmodel import Session

from core.db import session_scope
from models import Role, User
from services.accounts.users import UserForm, create_user
from tests.helpers import account

COMMUNITY_A, COMMUNITY_B = 2, 3  # 锦江社区, 水井坊社区 in the demo organisation


def coordinator_of(session: Session, area_id: int, username: str = "coord_a") -> User:
    with session_scope() as s:
        create_user(s, None, UserForm(username=username, name="社区协调员", role=Role.coordinator, area_id=area_id),
                    "doorstep-demo", must_change=False)
    session.rollback()
    return account(session, username)
