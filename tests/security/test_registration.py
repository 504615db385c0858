"""Volunteer registration: no account enumeration, a limit per address, and the public form's question."""

from __future__ import annotations

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, func, select

from models import Notice, User
from services.accounts import challenge
from services.accounts.volunteers import DUPLICATE_NOTICE, RegistrationForm, register_from_public_form
from services.errors import InvalidInput, Throttled
from services.rate_limits import counting as rate_limit
from tests.helpers import account, answer_challenge

ADMIN_PHONE = "13800000001"


async def register(user: TestUser, phone: str, password: str = "a-long-secret-1") -> None:
    await user.open("/register")
    user.find(marker="reg-name").type("赵小青")
    user.find(marker="reg-phone").type(phone)
    user.find(marker="reg-area").click()
    user.find("锦江社区").click()
    user.find(marker="reg-password").type(password)
    user.find(marker="reg-password2").type(password)
    user.find(marker="reg-consent").click()
    await answer_challenge(user)
    user.find(marker="register").click()


async def test_registration_does_not_enumerate_accounts(user: TestUser, demo: Session) -> None:
    await register(user, "13512345678")  # nobody has this phone number
    await user.should_see(marker="registered", retries=40)
    new_account = user.find(marker="registered").elements.pop().text
    await register(user, ADMIN_PHONE)  # the administrator's
    await user.should_see(marker="registered", retries=40)
    assert user.find(marker="registered").elements.pop().text == new_account
    await user.should_not_see("already used")
    demo.rollback()
    admin = account(demo, "admin")
    assert admin.role.value == "admin" and demo.exec(select(func.count(User.id)).where(
        User.phone == ADMIN_PHONE)).one() == 1
    # The owner is told in the app.
    assert demo.exec(select(Notice).where(Notice.user_id == admin.id, Notice.msgid == DUPLICATE_NOTICE)).first()


def test_registration_enumerating_is_limited_per_address_and_needs_the_question(demo: Session) -> None:
    def form(n: int) -> RegistrationForm:
        return RegistrationForm(name="志愿者", phone=f"135000000{n:02d}", area_id=2, password="a-long-secret-1",
                                consent=True)

    with pytest.raises(InvalidInput):
        register_from_public_form(demo, form(0), "203.0.113.9", challenge.new_challenge().token, "999")
    demo.rollback()
    for n in range(rate_limit.REGISTRATIONS.current_limit()):
        question = challenge.new_challenge()
        register_from_public_form(demo, form(n), "203.0.113.9", question.token, question.a + question.b)
        demo.commit()
    question = challenge.new_challenge()
    with pytest.raises(Throttled):
        register_from_public_form(demo, form(50), "203.0.113.9", question.token, question.a + question.b)
    # Another address is not affected.
    register_from_public_form(demo, form(51), "198.51.100.7", question.token, question.a + question.b)
