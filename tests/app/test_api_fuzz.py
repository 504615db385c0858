"""The JSON API fuzzed from its own OpenAPI document with schemathesis: no answer is a 5xx."""

from __future__ import annotations

import warnings

import pytest
import schemathesis
from nicegui.testing import User as TestUser
from sqlmodel import Session

from core.db import session_scope
from services.accounts.api_tokens import issue_token
from services.rate_limits import counting as rate_limit
from tests.helpers import account

EXAMPLES_PER_OPERATION = 25


async def test_no_api_operation_answers_with_a_server_error(user: TestUser, demo: Session,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rate_limit.API_CALLS, "limit", 10_000)  # the fuzzer, not the limiter, is under test
    document = (await user.http_client.get("/api/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    with session_scope() as s:
        token = issue_token(s, account(s, "member1")).raw
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy()
        for _ in range(EXAMPLES_PER_OPERATION):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # example() outside @given is what we want here
                case = strategy.example()
            kwargs = case.as_transport_kwargs(base_url="http://test")
            headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "authorization"}
            headers["Authorization"] = f"Bearer {token}"
            response = await user.http_client.request(
                kwargs["method"], kwargs["url"].replace("http://test", ""), headers=headers,
                params=kwargs.get("params"), content=kwargs.get("data") or kwargs.get("content"),
                json=kwargs.get("json"), cookies=kwargs.get("cookies"))
            calls += 1
            if response.status_code >= 500:
                failures.append(f"{operation.label}: {response.status_code} for {kwargs}")
    print(f"\nAPI fuzz: {calls} calls")
    assert calls >= EXAMPLES_PER_OPERATION
    assert not failures, "\n".join(failures[:10])
