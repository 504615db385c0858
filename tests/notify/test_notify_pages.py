"""The notification pages as people use them: consent on the public form, opt-out, the outbox, the profile."""

from __future__ import annotations

import json

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import AreaBot, ChannelChoice, OutboxStatus, RequestSmsConsent, RequestStatus, SmsContact
from services.notify.sender import run_sender
from services.requests.tracking import change_status
from tests.helpers import account, answer_challenge, choose, element, eventually, sign_in
from tests.helpers.notify import daytime, outbox, public_request
from tests.helpers.request_pages import latest_request


async def test_notif_public_form_consent_box_records_consent(user: TestUser, demo: Session) -> None:
    await user.open("/public/request")
    choose(user, "public-category", "Housing repair")
    user.find(marker="public-description").type("Stairwell light is broken")
    user.find(marker="public-sms-consent").click()
    await answer_challenge(user)
    user.find(marker="public-send").click()
    await user.should_see("Enter your phone number to get SMS about this request.", retries=30)
    assert element(user, "public-description").value == "Stairwell light is broken"  # nothing typed is lost
    user.find(marker="public-phone").type("13911112222")
    await answer_challenge(user)
    user.find(marker="public-send").click()
    await user.should_see("Your request was received.", retries=30)
    request = latest_request(demo)
    assert demo.get(RequestSmsConsent, request.id).phone == "13911112222"


async def test_notif_opt_out_page_needs_a_tap_and_then_confirms(user: TestUser, demo: Session) -> None:
    request_id = public_request(phone="13811110001")
    with session_scope() as s:
        change_status(s, account(s, "coord"), request_id, RequestStatus.in_progress)
    token = json.loads(outbox(demo)[0].params)["optout"].rsplit("/", 1)[1]
    await user.open(f"/o/{token}")  # signed out: a public page
    await user.should_see("Stop all SMS from us to 138****0001?", retries=100)
    demo.rollback()
    assert demo.exec(select(SmsContact)).one().opted_out_at is None  # opening the link changes nothing
    user.find(marker="optout-confirm").click()
    await user.should_see("No more SMS will be sent to 138****0001.", retries=30)
    demo.rollback()
    assert demo.exec(select(SmsContact)).one().opted_out_at is not None
    await user.open("/o/notavalidtoken")
    await user.should_see("This link is not valid.", retries=100)


async def test_notif_outbox_page_masks_numbers_filters_and_resends(user: TestUser, demo: Session, monkeypatch) -> None:
    from core import config

    monkeypatch.setenv("DOORSTEP_SMS_PROVIDER", "aliyun")  # with no template codes: every SMS fails for good
    config.get_settings.cache_clear()
    request_id = public_request(phone="13800010001")
    with session_scope() as s:
        change_status(s, account(s, "coord"), request_id, RequestStatus.in_progress)
    run_sender(now=daytime())
    assert outbox(demo)[0].status == OutboxStatus.failed
    await sign_in(user, "admin")
    await user.open("/admin/outbox")
    await user.should_see("138****0001", retries=100)
    await user.should_not_see("13800010001")
    choose(user, "outbox-status", "Sent")
    await user.should_see("No messages.", retries=30)
    choose(user, "outbox-status", "Failed")
    await user.should_see("138****0001", retries=30)
    user.find(marker=f"outbox-resend-{outbox(demo)[0].id}").click()
    await user.should_see("The message will be sent again.", retries=30)
    assert outbox(demo)[0].status == OutboxStatus.pending
    assert "SMS" in element(user, "sms-length-request.accepted").text


async def test_notif_outbox_area_bot_refused_in_place_then_saved(user: TestUser, demo: Session) -> None:
    await sign_in(user, "admin")
    await user.open("/admin/outbox")
    await user.should_see(marker="bot-url", retries=100)
    area_id = element(user, "bot-area").value
    too_long = "json://localhost/" + "x" * 500  # refused before apprise reads it (it logs an error for junk)
    user.find(marker="bot-url").type(too_long)
    user.find(marker="bot-save").click()
    await user.should_see("This is not a bot address Doorstep can use.", retries=30)
    assert element(user, "bot-url").value == too_long  # kept, to correct
    element(user, "bot-url").set_value("json://localhost/hook")
    user.find(marker="bot-save").click()
    await user.should_see("Saved.", retries=30)
    await eventually(lambda: element(user, "bot-url").value == "")

    def stored() -> bool:
        demo.rollback()
        bot = demo.get(AreaBot, area_id)
        return bot is not None and bot.apprise_url == "json://localhost/hook"

    await eventually(stored)


async def test_notif_outbox_page_is_for_admins_only(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/outbox")
    await user.should_not_see(marker="outbox-templates")


async def test_notif_profile_channel_choices_saved_and_bad_address_kept(user: TestUser, demo: Session) -> None:
    await sign_in(user, "volunteer1")
    await user.open("/profile")
    await user.should_see(marker="channel-email", retries=100)  # the card is built after its data is read
    user.find(marker="channel-email").click()
    user.find(marker="channel-email-address").type("not-an-address")
    user.find(marker="channels-save").click()
    await user.should_see("Enter a valid e-mail address.", retries=30)
    assert element(user, "channel-email-address").value == "not-an-address"
    element(user, "channel-email-address").set_value("v1@example.org")
    user.find(marker="channel-sms").click()  # off
    user.find(marker="channels-save").click()
    await user.should_see("Saved.", retries=30)
    demo.rollback()
    choice = demo.get(ChannelChoice, account(demo, "volunteer1").id)
    assert (choice.sms, choice.email, choice.email_address) == (False, True, "v1@example.org")
