"""Managing accounts as an admin or coordinator would: list, create, edit, reset, deactivate."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session

from models import Role, User
from services.accounts.passwords import verify_password
from services.accounts.users import UserForm, create_user, get_managed_user
from services.errors import Forbidden, NotFound
from services.org.areas import create_area
from tests.helpers import account, act_as, choose, element, sign_in

JINJIANG = "望江路街道 / 锦江社区"


def read_account(session: Session, username: str) -> User:
    """The account as stored now; ends the read so the test holds no database lock while pages write."""
    session.expire_all()
    found = account(session, username)
    session.commit()
    return found


def other_office_account(session: Session) -> User:
    """A second top-level area beside the demo street office, with one member in it."""
    other = create_area(session, "磨子桥街道", "street_office")
    stranger = create_user(session, None, UserForm(username="stranger", name="Outside Person", role=Role.member,
                                                   area_id=other.id), "outside-pass-1", must_change=False)
    session.commit()
    return stranger


async def test_coordinator_lists_and_searches_accounts_in_their_area(user: TestUser, demo: Session) -> None:
    other_office_account(demo)
    await sign_in(user, "coord")
    await user.open("/admin/users")
    await user.should_see(marker="account-member1")
    await user.should_see(marker="account-volunteer2")
    await user.should_not_see(marker="account-stranger")
    await user.should_not_see(marker="account-admin")
    with user.scope(marker="account-member2"):
        await user.should_see("Member")
        await user.should_see("望江路街道 / 水井坊社区")
        await user.should_see("Active")
    with user.scope(marker="account-member1"):
        await user.should_see("Team leader")
    user.find(marker="account-search").type("volunteer")
    await user.should_see(marker="account-volunteer1")
    await user.should_not_see(marker="account-member1")


async def test_coordinator_creates_a_member_with_a_generated_password(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/users/new")
    user.find(marker="account-name").type("Li Wei")
    user.find(marker="account-username").type("liwei")
    user.find(marker="account-phone").type("139-1234-5678")
    choose(user, "account-area", JINJIANG)
    user.find(marker="create-account").click()
    await user.should_see("Account created for Li Wei.", retries=50)
    password = element(user, "one-time-password").text
    created = read_account(demo, "liwei")
    assert created.role == Role.member and created.area_id == 2 and created.phone == "13912345678"
    assert created.must_change_password
    assert verify_password(password, created.password_hash)


async def test_form_errors_are_shown_and_what_was_typed_stays(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/users/new")
    user.find(marker="account-name").type("Li Wei")
    user.find(marker="account-username").type("member1")  # taken
    user.find(marker="initial-password").type("a-good-password")
    user.find(marker="create-account").click()
    await user.should_see("That username or phone number is already used.", retries=50)
    assert element(user, "account-name").value == "Li Wei"
    assert element(user, "initial-password").value == "a-good-password"


async def test_coordinator_cannot_make_an_admin(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/users/new")
    roles = element(user, "account-role").options
    assert "Administrator" not in roles.values()
    assert set(roles.values()) == {"Coordinator", "Member", "Volunteer"}
    coordinator = read_account(demo, "coord")
    with pytest.raises(Forbidden):
        create_user(demo, coordinator, UserForm(username="boss", name="Boss", role=Role.admin, area_id=2),
                    "a-good-password")


async def test_coordinator_cannot_open_an_account_of_another_area(user: TestUser, demo: Session) -> None:
    stranger = other_office_account(demo)
    await sign_in(user, "coord")
    await user.open(f"/admin/users/{stranger.id}")
    await user.should_see("Not found")
    await user.should_not_see("Outside Person")
    await user.should_not_see(marker="save-account")
    with pytest.raises(NotFound):
        get_managed_user(demo, read_account(demo, "coord"), stranger.id or 0)


async def test_admin_edits_an_account(user: TestUser, demo: Session) -> None:
    member = read_account(demo, "member2")
    await sign_in(user, "admin")
    await user.open(f"/admin/users/{member.id}")
    element(user, "account-name").value = "Zhang Renamed"
    choose(user, "account-role", "Coordinator")
    user.find(marker="save-account").click()
    await user.should_see("Saved.")
    member = read_account(demo, "member2")
    assert (member.name, member.role) == ("Zhang Renamed", Role.coordinator)


async def test_reset_password_forces_a_new_one_at_next_sign_in(
        user: TestUser, create_user: Callable[[], TestUser], demo: Session) -> None:
    member = read_account(demo, "member1")
    await sign_in(user, "admin")
    await user.open(f"/admin/users/{member.id}")
    user.find(marker="reset-password").click()
    user.find(marker="confirm-reset").click()
    await user.should_see(marker="one-time-password", retries=50)
    temporary = element(user, "one-time-password").text

    phone = create_user()
    await sign_in(phone, "member1", temporary)
    await phone.should_see("Choose a new password before you continue.", retries=30)
    await phone.open("/")  # any other page sends them back to the profile
    await phone.should_see("Choose a new password before you continue.", retries=30)
    phone.find(marker="current-password").type(temporary)
    phone.find(marker="new-password").type("my-own-secret-9")
    phone.find(marker="repeat-password").type("my-own-secret-9")
    phone.find(marker="change-password").click()
    await phone.should_see(marker="household-search", retries=50)
    member = read_account(demo, "member1")
    assert not member.must_change_password
    assert verify_password("my-own-secret-9", member.password_hash)


async def test_deactivated_member_loses_access_at_the_next_click_and_page(
        user: TestUser, create_user: Callable[[], TestUser], demo: Session) -> None:
    member = read_account(demo, "member3")
    phone = create_user()
    await sign_in(phone, "member3")
    await phone.should_see(marker="household-search", retries=30)
    await phone.open("/profile")
    await phone.should_see(marker="language-choice")

    await sign_in(user, "coord")
    await user.open(f"/admin/users/{member.id}")
    act_as(user)
    user.find(marker="deactivate").click()
    user.find(marker="confirm-deactivate").click()
    await user.should_see("Account deactivated.")
    assert element(user, "account-state").text == "Deactivated"
    assert not read_account(demo, "member3").active

    act_as(phone)
    choose(phone, "language-choice", "中文")  # a click on the page that was already open
    await phone.should_see("Phone number or username", retries=30)
    await phone.open("/")
    await phone.should_see("Phone number or username", retries=30)
    await phone.should_not_see(marker="household-search")

    act_as(user)
    user.find(marker="reactivate").click()
    user.find(marker="confirm-reactivate").click()
    await user.should_see("Account reactivated.")
    assert read_account(demo, "member3").active


async def test_member_cannot_open_account_administration(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.should_see(marker="household-search", retries=30)
    await user.open("/admin/users")
    await user.should_see(marker="household-search", retries=30)
    await user.should_not_see(marker="new-account")


async def test_own_account_and_odd_ids(user: TestUser, demo: Session) -> None:
    me = read_account(demo, "coord")
    await sign_in(user, "coord")
    await user.open(f"/admin/users/{me.id}")
    await user.should_see(marker="save-account")
    await user.should_not_see(marker="deactivate")  # nobody deactivates themselves
    await user.should_not_see(marker="reset-password")  # their own password is changed on the profile
    for odd in ("abc", "99999", "-1"):
        await user.open(f"/admin/users/{odd}")
        await user.should_see("Not found")
