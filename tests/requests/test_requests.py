"""Residents' requests: the whole loop, reopening, overdue in the org time zone, access, abuse limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from core.db import session_scope
from models import (
    EventKind,
    Rating,
    RequestAlert,
    RequestCategory,
    RequestEvent,
    RequestPhoto,
    RequestSource,
    RequestStatus,
    Satisfaction,
    ServiceRequest,
    Visibility,
)
from models.common import max_length
from models.requests import PublicRequestBase, RatingBase, RequestEventBase, ServiceRequestBase
from services.errors import Forbidden, InvalidInput, NotFound, Throttled
from services.rate_limits import counting as rate_limit
from services.requests.feedback import (
    PublicRequestInput,
    RatingInput,
    awaiting_rating,
    dismiss_alert,
    open_alerts,
    public_view,
    rate_by_code,
    rate_on_behalf,
    submit_public_request,
)
from services.requests.stats import build_dashboard, export_rows, period_bounds, to_csv, to_xlsx
from services.requests.tracking import (
    CODE_ALPHABET,
    CODE_LENGTH,
    RequestFilters,
    RequestInput,
    RequestNote,
    add_note,
    assign_request,
    change_status,
    get_request,
    is_overdue,
    list_requests,
    raise_request,
    save_category,
    timeline,
)
from services.visits.records import prepare_photo
from tests.helpers import account
from tests.helpers.limits import assert_shares_limits
from tests.helpers.photos import photo_bytes
from tests.helpers.requests import HOUSING, raise_from_visit, solved, submit
from tests.helpers.visits import paired_household

HEALTH = 2  # 24 hours


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    rate_limit.reset_all()


def test_visit_to_request_to_assignment_to_resolution_to_rating(demo: Session) -> None:
    request = raise_from_visit()
    assert request.source == RequestSource.visit and request.visit_id
    assert len(request.tracking_code) == CODE_LENGTH and set(request.tracking_code) <= set(CODE_ALPHABET)
    assert request.due_at - request.created_at == timedelta(hours=72)
    with session_scope() as s:
        coord, member2 = account(s, "coord"), account(s, "member3")  # member3: same community as member1
        assign_request(s, coord, request.id, member2.id, note="Please check the wiring")
    with session_scope() as s:
        member3 = account(s, "member3")
        assert [r.request.id for r in list_requests(s, member3, RequestFilters(view="mine"))] == [request.id]
        change_status(s, member3, request.id, RequestStatus.in_progress, "Electrician booked", Visibility.internal)
        change_status(s, member3, request.id, RequestStatus.resolved, "The light was replaced.")
    with session_scope() as s:
        member1 = account(s, "member1")
        asks = awaiting_rating(s, member1, request.household_id)
        assert [r.id for r in asks] == [request.id]  # "ask about request #…" at the next visit
        rate_on_behalf(s, member1, request.id, Satisfaction.satisfied, "Works now, thank you")
    with session_scope() as s:
        stored = s.get(ServiceRequest, request.id)
        assert stored.status == RequestStatus.resolved and not stored.awaiting_rating
        assert stored.closed_at is not None
        kinds = [e.event.kind for e in timeline(s, account(s, "coord"), request.id)]
        assert kinds == [EventKind.created, EventKind.assigned, EventKind.status, EventKind.status, EventKind.rating]
        rating = s.exec(select(Rating).where(Rating.request_id == request.id)).one()
        assert rating.assignee_id == account(s, "member3").id and rating.recorded_by_id == account(s, "member1").id
        assert awaiting_rating(s, account(s, "member1")) == []


def test_not_satisfied_reopens_the_request_and_alerts_the_coordinator(demo: Session) -> None:
    request = submit(PublicRequestInput(category_id=HOUSING, description="Water leaking from the roof"))
    with session_scope() as s:
        coord = account(s, "coord")
        change_status(s, coord, request.id, RequestStatus.explained, "The roof is repaired in spring by the city.")
    with session_scope() as s:
        rate_by_code(s, request.tracking_code, Satisfaction.not_satisfied, "It leaks every day", "203.0.113.7")
    with session_scope() as s:
        coord = account(s, "coord")
        stored = s.get(ServiceRequest, request.id)
        assert stored.status == RequestStatus.new and stored.closed_at is None and stored.reopened_count == 1
        alerts = open_alerts(s, coord)
        assert [r.id for _a, r in alerts] == [request.id]
        # Members of the area are not coordinators: no alert for them.
        assert open_alerts(s, account(s, "member1")) == []
        with pytest.raises(InvalidInput):  # rated once per answer
            rate_by_code(s, request.tracking_code, Satisfaction.satisfied, "", "203.0.113.7")
        dismiss_alert(s, coord, alerts[0][0].id)
    with session_scope() as s:
        assert open_alerts(s, account(s, "coord")) == []
        assert s.exec(select(RequestAlert)).one().dismissed_at is not None


def test_overdue_follows_the_category_response_time_across_midnight_in_shanghai(demo: Session) -> None:
    # 23:30 in Shanghai on 1 March is 15:30 UTC: the request belongs to 1 March locally.
    raised = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    request = raise_from_visit(category=HEALTH, now=raised)
    assert request.due_at == datetime(2026, 3, 2, 15, 30, tzinfo=UTC)  # 23:30 on 2 March in Shanghai
    assert not is_overdue(request, datetime(2026, 3, 2, 15, 29, tzinfo=UTC))
    assert is_overdue(request, datetime(2026, 3, 2, 15, 31, tzinfo=UTC))
    with session_scope() as s:
        coord = account(s, "coord")
        # Periods are counted in local days: in Shanghai the request belongs to 1 March, in UTC days too
        # (15:30 UTC), but 2 March in Shanghai starts at 16:00 UTC on 1 March.
        on_first = build_dashboard(s, coord, date(2026, 3, 1), date(2026, 3, 1), "Asia/Shanghai", "en",
                                   now=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
        on_second = build_dashboard(s, coord, date(2026, 3, 2), date(2026, 3, 2), "Asia/Shanghai", "en",
                                    now=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
        in_utc_days = build_dashboard(s, coord, date(2026, 3, 2), date(2026, 3, 2), "UTC", "en",
                                      now=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
        assert (on_first.raised, on_first.overdue) == (1, 1)
        assert on_second.raised == 0
        assert in_utc_days.raised == 0 and build_dashboard(
            s, coord, date(2026, 3, 1), date(2026, 3, 1), "UTC", "en").raised == 1
        start, end = period_bounds(date(2026, 3, 1), date(2026, 3, 1), "Asia/Shanghai")
        assert start.astimezone(UTC) == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
        assert end.astimezone(UTC) == datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
        # Overdue requests come first on the assignee's list.
        later = raise_request(s, account(s, "member1"), RequestInput(
            category_id=HOUSING, description="Another", household_id=request.household_id))
        rows = list_requests(s, coord, RequestFilters())
        assert [r.request.id for r in rows][:2] == [request.id, later.id]
        assert rows[0].overdue and not rows[1].overdue


def test_a_member_cannot_read_requests_of_households_not_paired_with_them(demo: Session) -> None:
    request = raise_from_visit("member1")
    with session_scope() as s:
        other = account(s, "member2")
        with pytest.raises(NotFound):
            get_request(s, other, request.id)
        with pytest.raises(NotFound):
            timeline(s, other, request.id)
        with pytest.raises(NotFound):
            rate_on_behalf(s, other, request.id, Satisfaction.satisfied)
        with pytest.raises(NotFound):
            change_status(s, other, request.id, RequestStatus.resolved, "done")
        assert list_requests(s, other, RequestFilters(state="all")) == []
        foreign = paired_household(s, account(s, "member1"))
        with pytest.raises(NotFound):  # nor raise one for someone else's household
            raise_request(s, other, RequestInput(category_id=HOUSING, description="x", household_id=foreign.id))
        # A volunteer sees nothing at all.
        assert list_requests(s, account(s, "volunteer1"), RequestFilters(state="all")) == []


def test_only_the_assignee_or_a_coordinator_moves_a_request(demo: Session) -> None:
    request = raise_from_visit("member1")
    with session_scope() as s:
        member1 = account(s, "member1")
        with pytest.raises(Forbidden):  # the member sees it, but it is not assigned to them
            change_status(s, member1, request.id, RequestStatus.resolved, "")
        with pytest.raises(Forbidden):
            assign_request(s, member1, request.id, member1.id)
        add_note(s, member1, request.id, "Resident called again", Visibility.internal)
        coord = account(s, "coord")
        with pytest.raises(InvalidInput):  # explaining needs the reason for the resident
            change_status(s, coord, request.id, RequestStatus.explained, "")
        with pytest.raises(InvalidInput):
            change_status(s, coord, request.id, RequestStatus.referred, "sent on")
        change_status(s, coord, request.id, RequestStatus.referred, "Sent to the water company", referred_to="水务公司")
        with pytest.raises(InvalidInput):  # closed: only reopening is possible
            change_status(s, coord, request.id, RequestStatus.resolved, "")
        assert not s.get(ServiceRequest, request.id).awaiting_rating  # referred: answered elsewhere


def test_public_status_page_shows_only_what_is_meant_for_the_resident(demo: Session) -> None:
    request = submit(PublicRequestInput(category_id=HOUSING, description="Broken door at building 3",
                                        contact_name="王小明", contact_phone="13912345678"))
    with session_scope() as s:
        coord, member3 = account(s, "coord"), account(s, "member3")
        assign_request(s, coord, request.id, member3.id, note="Member3 knows the caretaker")
        add_note(s, coord, request.id, "Caretaker phone 13700001111", Visibility.internal)
        change_status(s, coord, request.id, RequestStatus.resolved, "The door was repaired on Monday.")
        view = public_view(s, request.tracking_code.lower(), "198.51.100.1")  # codes are case-insensitive
        names = (coord.name, member3.name)
    text = repr(view)
    assert "The door was repaired on Monday." in text
    for secret in ("Member3 knows", "Caretaker phone", "13700001111", "13912345678", "王小明", *names):
        assert secret not in text
    assert view.awaiting_rating and view.status == RequestStatus.resolved


def test_public_form_is_limited_per_address_and_checks_the_challenge(demo: Session) -> None:
    form = PublicRequestInput(category_id=HEALTH, description="Needs a doctor's visit")
    for _ in range(5):
        submit(form, ip="198.51.100.9")
    with pytest.raises(Throttled):
        submit(form, ip="198.51.100.9")
    submit(form, ip="198.51.100.10")  # another address is not affected
    token, answer = solved()
    with session_scope() as s, pytest.raises(InvalidInput, match="not right"):
        submit_public_request(s, form, "198.51.100.11", token, answer + 1)
    with session_scope() as s:
        submit_public_request(s, form, "198.51.100.11", token, answer)
    with session_scope() as s, pytest.raises(InvalidInput, match="expired"):  # a solved token is used once
        submit_public_request(s, form, "198.51.100.11", token, answer)
    old_token, old_answer = solved(now=datetime.now(UTC).timestamp() - 3600)
    with session_scope() as s, pytest.raises(InvalidInput, match="expired"):
        submit_public_request(s, form, "198.51.100.12", old_token, old_answer)
    with session_scope() as s, pytest.raises(InvalidInput, match="2000"):
        token, answer = solved()
        submit_public_request(s, PublicRequestInput(category_id=HEALTH, description="x" * 2001),
                              "198.51.100.13", token, answer)


def test_public_photos_go_through_the_pipeline_and_a_failure_leaves_no_file(demo: Session, data_dir) -> None:
    photo = prepare_photo(photo_bytes(0))
    request = submit(PublicRequestInput(category_id=HOUSING, description="See the crack"), photos=[photo])
    with session_scope() as s:
        stored = s.exec(select(RequestPhoto).where(RequestPhoto.request_id == request.id)).one()
        assert stored.width <= 1600 and stored.added_by_id is None
    files_before = sorted(p for p in (data_dir / "photos").rglob("*") if p.is_file())
    token, answer = solved()
    with pytest.raises(InvalidInput):
        with session_scope() as s:
            submit_public_request(s, PublicRequestInput(category_id=HOUSING, description="Two"), "192.0.2.5",
                                  token, answer, [prepare_photo(photo_bytes(1))])
            raise InvalidInput("simulated failure after the files were written")
    assert sorted(p for p in (data_dir / "photos").rglob("*") if p.is_file()) == files_before


def test_coordinator_dashboard_and_export(demo: Session) -> None:
    first = raise_from_visit("member1")
    second = raise_from_visit("member1", category=HEALTH, text="=cmd|' /C calc'!A0")
    with session_scope() as s:
        coord = account(s, "coord")
        member3 = account(s, "member3")
        for request in (first, second):
            assign_request(s, coord, request.id, member3.id)
            change_status(s, coord, request.id, RequestStatus.resolved, "Done")
        rate_on_behalf(s, coord, first.id, Satisfaction.satisfied, "")
        rate_on_behalf(s, coord, second.id, Satisfaction.not_satisfied, "=HYPERLINK(\"x\")")
    with session_scope() as s:
        coord = account(s, "coord")
        today = datetime.now(UTC).date()
        board = build_dashboard(s, coord, today - timedelta(days=1), today + timedelta(days=1), "Asia/Shanghai", "en")
        assert board.raised == 2 and board.open == 1 and board.closed == 1
        assert board.on_time_share == 1.0 and board.median_hours_to_close is not None
        cats = {r.label: (r.satisfied, r.not_satisfied) for r in board.by_category}
        assert cats == {"Housing repair": (1, 0), "Health": (0, 1)}
        assert [(r.label, r.total, r.share_satisfied) for r in board.by_member] == [(member3.name, 2, 0.5)]
        rows = export_rows(s, coord, today - timedelta(days=1), today + timedelta(days=1), "Asia/Shanghai", "zh_CN")
        assert rows[0][0] == "编号" and len(rows) == 3 and rows[1][5] in ("已解决", "办理中")
        csv_text = to_csv(rows).decode("utf-8-sig")
        assert "'=HYPERLINK" in csv_text and "13" not in "".join(r[4] for r in rows[1:])
        assert to_xlsx(rows, [("a", "1")]).startswith(b"PK")
        with pytest.raises(Forbidden):
            build_dashboard(s, account(s, "member1"), today, today, "Asia/Shanghai", "en")


def test_categories_are_editable_and_new_response_times_apply(demo: Session) -> None:
    with session_scope() as s:
        coord = account(s, "coord")
        save_category(s, coord, "Housing repair", "房屋维修", 48, category_id=HOUSING)
        added = save_category(s, coord, "Noise", "噪音", 12)
        with pytest.raises(Forbidden):
            save_category(s, account(s, "member1"), "X", "X", 1)
        with pytest.raises(InvalidInput):
            save_category(s, coord, "X", "X", 0)
    request = raise_from_visit(category=HOUSING)
    assert request.due_at - request.created_at == timedelta(hours=48)
    with session_scope() as s:
        assert s.get(RequestCategory, added.id).response_hours == 12
        assert s.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)).one().kind == EventKind.created


def test_one_definition_of_a_request_for_the_table_and_the_inputs() -> None:
    assert_shares_limits(ServiceRequestBase, ServiceRequest, RequestInput, PublicRequestInput)
    assert_shares_limits(PublicRequestBase, ServiceRequest, PublicRequestInput)
    assert not issubclass(RequestInput, PublicRequestBase)  # staff do not leave a resident's contact
    assert_shares_limits(RequestEventBase, RequestEvent, RequestNote)
    assert_shares_limits(RatingBase, Rating, RatingInput)
    # The columns are created as before (unbounded text): the limit is the model's, not the database's.
    for table, field in ((ServiceRequest, "description"), (ServiceRequest, "contact_name"),
                         (ServiceRequest, "contact_phone"), (ServiceRequest, "location_text"),
                         (RequestEvent, "note"), (Rating, "comment")):
        assert table.__table__.c[field].type.length is None  # type: ignore[attr-defined]


def test_request_texts_longer_than_the_model_takes_are_refused_not_cut(demo: Session) -> None:
    description = max_length(ServiceRequestBase, "description")
    with pytest.raises(InvalidInput, match=f"The description is longer than {description} characters."):
        RequestInput(category_id=HOUSING, description="x" * (description + 1))
    too_long = RequestInput(category_id=HOUSING, description="ok", source=RequestSource.hotline).model_copy(
        update={"description": "x" * (description + 1)})  # a copy is not validated: the service checks
    with session_scope() as s, pytest.raises(InvalidInput, match=f"longer than {description} characters"):
        raise_request(s, account(s, "coord"), too_long)
    for field in ("contact_name", "contact_phone", "location_text"):
        limit = max_length(PublicRequestBase, field)
        with pytest.raises(InvalidInput, match="A contact or location field is too long."):
            PublicRequestInput(category_id=HOUSING, description="Broken gate", **{field: "1" * (limit + 1)})
        form = PublicRequestInput(category_id=HOUSING, description="Broken gate").model_copy(
            update={field: "1" * (limit + 1)})
        token, answer = solved()
        with session_scope() as s, pytest.raises(InvalidInput, match="A contact or location field is too long."):
            submit_public_request(s, form, "198.51.100.20", token, answer)
    with session_scope(read_only=True) as s:
        assert s.exec(select(ServiceRequest)).all() == []

    request = raise_from_visit()
    note, comment = max_length(RequestEventBase, "note"), max_length(RatingBase, "comment")
    with session_scope() as s:
        coord = account(s, "coord")
        with pytest.raises(InvalidInput, match=f"The note is longer than {note} characters."):
            add_note(s, coord, request.id, "n" * (note + 1))
        with pytest.raises(InvalidInput, match=f"The note is longer than {note} characters."):
            assign_request(s, coord, request.id, account(s, "member3").id, note="n" * (note + 1))
        with pytest.raises(InvalidInput, match=f"The note is longer than {note} characters."):
            change_status(s, coord, request.id, RequestStatus.resolved, "n" * (note + 1))
        add_note(s, coord, request.id, " " + "n" * note + " ")  # the limit counts what is stored
        change_status(s, coord, request.id, RequestStatus.resolved, "Fixed")
    with session_scope() as s:
        with pytest.raises(InvalidInput, match=f"The comment is longer than {comment} characters."):
            rate_on_behalf(s, account(s, "member1"), request.id, Satisfaction.satisfied, "c" * (comment + 1))
        with pytest.raises(InvalidInput, match=f"The comment is longer than {comment} characters."):
            rate_by_code(s, request.tracking_code, Satisfaction.satisfied, "c" * (comment + 1), "198.51.100.21")
    with session_scope(read_only=True) as s:
        notes = s.exec(select(RequestEvent.note).where(RequestEvent.request_id == request.id,
                                                       RequestEvent.kind == EventKind.note)).all()
        assert notes == ["n" * note]
        assert s.get(ServiceRequest, request.id).awaiting_rating
        assert s.exec(select(Rating)).all() == []


def test_every_request_msgid_has_a_chinese_translation() -> None:
    import ast
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    translated = {}
    for po in sorted((root / "locales/zh_CN/LC_MESSAGES").glob("*.po")):  # the app merges every catalogue
        with po.open("rb") as fh:
            translated |= {m.id: m.string for m in read_po(fh, locale="zh_CN") if m.id and m.string}
    files = [*root.glob("pages/*request*.py"), *root.glob("services/request*.py"),
             root / "services/rate_limits/counting.py", root / "services/accounts/challenge.py"]
    missing = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant)):
                if node.args[0].value not in translated:
                    missing.append((path.name, node.args[0].value))
    assert missing == []
    assert {"Requests", "Request dashboard"} <= translated.keys()


def test_a_department_name_longer_than_the_model_takes_is_refused_not_cut(demo: Session) -> None:
    request = raise_from_visit("member1")
    limit = max_length(ServiceRequest, "referred_to")
    with session_scope() as s, pytest.raises(InvalidInput, match=f"longer than {limit} characters"):
        change_status(s, account(s, "coord"), request.id, RequestStatus.referred, "Sent on",
                      referred_to="水" * (limit + 1))
    with session_scope(read_only=True) as s:
        stored = s.get(ServiceRequest, request.id)
        assert stored.status != RequestStatus.referred and stored.referred_to == ""
    with session_scope() as s:  # exactly the limit is taken whole
        change_status(s, account(s, "coord"), request.id, RequestStatus.referred, "Sent on", referred_to="水" * limit)
    with session_scope(read_only=True) as s:
        assert s.get(ServiceRequest, request.id).referred_to == "水" * limit
