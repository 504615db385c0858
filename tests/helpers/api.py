"""The JSON API in tests: the ``api`` fixture (the app started, its HTTP client), tokens and their headers."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from nicegui.testing import User as TestUser

from core.db import session_scope
from models.common import utcnow
from services.accounts.api_tokens import issue_token
from tests.helpers import account


def token_for(username: str, hours_ago: float = 0) -> str:
    with session_scope() as session:
        user = account(session, username)
        return issue_token(session, user, now=utcnow() - timedelta(hours=hours_ago)).raw


def auth(token: str, lang: str = "en") -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


@pytest.fixture
async def api(user: TestUser) -> httpx.AsyncClient:
    await user.open("/login")  # starts the app; its routes include /api/v1
    return user.http_client
