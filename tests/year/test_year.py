"""A member's year: commitments and the public board, field-day quotas across the year boundary,
the annual record against a direct count, and service points on the map endpoint."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import (
    Attendance,
    BoardComment,
    CommentStatus,
    Commitment,
    CommitmentPhoto,
    CommitmentStatus,
    Event,
    FieldDay,
    FieldDayRequest,
    Household,
    LocationSource,
    Pairing,
    PostAssignment,
    Rating,
    RequestSource,
    RequestStatus,
    Satisfaction,
    ServicePost,
    ServiceRequest,
    Signup,
    SignupStatus,
    User,
    Visit,
)
from models.common import max_length
from models.requests import ServiceRequestBase
from models.year import CommitmentBase, CommitmentNote, CommitmentNoteBase, FieldDayBase, ServicePostBase
from services.accounts import challenge
from services.community.board import board, comments_to_moderate, moderate_comment, submit_board_comment
from services.community.service_points import ServicePointForm, nearest_service_points, save_service_point
from services.community.service_posts import ServicePostInput, apply_for_post, assign_member, save_post
from services.errors import Forbidden, InvalidInput, NotFound, Throttled
from services.events.attendance import correct_hours, set_present
from services.events.catalogue import EventForm, create_event
from services.events.signups import sign_up
from services.rate_limits import counting as rate_limit
from services.requests.feedback import rate_on_behalf
from services.requests.tracking import RequestInput, assign_request, change_status, raise_request
from services.visits.records import VisitInput, prepare_photo, record_visit
from services.year.annual_record import (
    PDF_FONT,
    annual_record,
    area_summary,
    record_rows,
    summary_table,
    to_pdf,
    to_xlsx,
)
from services.year.commitments import (
    CommitmentInput,
    CommitmentNoteInput,
    add_note,
    close_commitment,
    create_commitment,
    get_commitment_photo,
)
from services.year.field_days import FieldDayInput, quota_progress, raise_request_from_field_day, record_field_day
from tests.helpers import account, sign_in
from tests.helpers.limits import assert_shares_limits
from tests.helpers.photos import photo_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUSING = 1


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    rate_limit.reset_all()


def solved() -> tuple[str, int]:
    c = challenge.new_challenge()
    return c.token, c.a + c.b


def fresh(login: str) -> User:
    with session_scope(read_only=True) as s:
        return account(s, login)


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


# --- commitments and the public board --------------------------------------------------------

def test_commitment_lifecycle_and_public_board_without_contact_details(demo: Session) -> None:
    member = fresh("member1")
    with session_scope() as s:
        lights = create_commitment(s, member, "Fix the lights in stairwell 3", "Talk to the property office")
        check_ups = create_commitment(s, member, "Accompany an elderly resident to her hospital check-ups")
        with pytest.raises(InvalidInput):
            create_commitment(s, member, "A third one")
    with session_scope() as s:
        add_note(s, member, lights.id, "Property office promised new lamps", [prepare_photo(photo_bytes(1))])
    with session_scope() as s, pytest.raises(NotFound):
        add_note(s, fresh("member3"), lights.id, "not mine")  # another member cannot even see it
    with session_scope() as s, pytest.raises(InvalidInput):
        close_commitment(s, member, lights.id, kept=True, reason=" ")  # residents are owed a reason
    with session_scope() as s:
        close_commitment(s, member, lights.id, kept=True, reason="New lamps since March")
        close_commitment(s, member, check_ups.id, kept=False, reason="She moved to her daughter's")
    with session_scope(read_only=True) as s:
        photo = s.exec(select(CommitmentPhoto)).one()
        assert get_commitment_photo(s, fresh("coord"), photo.id).id == photo.id
        with pytest.raises(NotFound):
            get_commitment_photo(s, fresh("member3"), photo.id)
        assert s.get(Commitment, lights.id).status == CommitmentStatus.kept
        assert s.get(Commitment, check_ups.id).status == CommitmentStatus.not_kept

    # Residents comment; nothing shows until the coordinator approves it.
    token, answer = solved()
    with session_scope() as s:
        good = submit_board_comment(s, lights.id, "The stairwell is bright now, thank you!", "198.51.100.4",
                                    token, answer)
    token, _answer = solved()
    with session_scope() as s, pytest.raises(InvalidInput):
        submit_board_comment(s, lights.id, "spam", "198.51.100.4", token, "0")
    token, answer = solved()
    with session_scope() as s:
        bad = submit_board_comment(s, lights.id, "Call me on 13912345678", "198.51.100.4", token, answer)
    year = lights.year
    with session_scope(read_only=True) as s:
        assert board(s, member.area_id, year).members[0].commitments[0].comments == []
    with session_scope() as s:
        with pytest.raises(Forbidden):
            comments_to_moderate(s, member)
        pending = comments_to_moderate(s, fresh("coord"))
        assert {c.id for c, _commitment, _name in pending} == {good.id, bad.id}
        moderate_comment(s, fresh("coord"), good.id, approve=True)
        moderate_comment(s, fresh("coord"), bad.id, approve=False)
        assert s.get(BoardComment, bad.id).status == CommentStatus.rejected

    with session_scope(read_only=True) as s:
        view = board(s, member.area_id, year)
    mine = next(m for m in view.members if m.name == member.name)
    assert [(c.title, c.status) for c in mine.commitments] == [
        ("Fix the lights in stairwell 3", CommitmentStatus.kept),
        ("Accompany an elderly resident to her hospital check-ups", CommitmentStatus.not_kept)]
    assert [c.text for c in mine.commitments[0].comments] == ["The stairwell is bright now, thank you!"]
    assert (view.kept, view.total) == (1, 2)


def test_one_definition_of_each_year_entity_for_the_table_and_the_input() -> None:
    assert_shares_limits(CommitmentBase, Commitment, CommitmentInput)
    assert_shares_limits(CommitmentNoteBase, CommitmentNote, CommitmentNoteInput)
    assert_shares_limits(ServicePostBase, ServicePost, ServicePostInput)
    assert_shares_limits(FieldDayBase, FieldDay, FieldDayInput)
    # The columns are created as before: bounded where they were, unbounded text where they were.
    for table, field, length in ((Commitment, "title", 200), (Commitment, "outcome_reason", None),
                                 (ServicePost, "name", 100), (FieldDay, "place", 200), (FieldDay, "purpose", 500)):
        assert table.__table__.c[field].type.length == length  # type: ignore[attr-defined]
    for table, field in ((Commitment, "description"), (CommitmentNote, "text"), (ServicePost, "duties"),
                         (FieldDay, "learned"), (FieldDay, "problems")):
        column = table.__table__.c[field]  # type: ignore[attr-defined]
        assert type(column.type).__name__ == "Text" and column.server_default.arg == "" and not column.nullable


def test_commitment_texts_longer_than_the_model_takes_are_refused_not_cut(demo: Session) -> None:
    member = fresh("member1")
    title, text = max_length(CommitmentBase, "title"), max_length(CommitmentBase, "description")
    note, reason = max_length(CommitmentNoteBase, "text"), max_length(CommitmentBase, "outcome_reason")
    with session_scope() as s:
        with pytest.raises(InvalidInput, match=f"The text is longer than {title} characters."):
            create_commitment(s, member, "t" * (title + 1))
        with pytest.raises(InvalidInput, match=f"The text is longer than {text} characters."):
            create_commitment(s, member, "Fix the lights", "d" * (text + 1))
        # The limit counts what is stored: the spaces around are not.
        commitment = create_commitment(s, member, " " + "t" * title + " ", "d" * text)
    with session_scope() as s:
        with pytest.raises(InvalidInput, match=f"The text is longer than {note} characters."):
            add_note(s, member, commitment.id, "n" * (note + 1))
        with pytest.raises(InvalidInput, match=f"The text is longer than {reason} characters."):
            close_commitment(s, member, commitment.id, kept=True, reason="r" * (reason + 1))
    with session_scope(read_only=True) as s:
        stored = s.get(Commitment, commitment.id)
        assert (stored.title, stored.status, stored.outcome_reason) == ("t" * title, CommitmentStatus.open, "")
        assert s.exec(select(CommitmentNote)).all() == []


def test_service_post_texts_longer_than_the_model_takes_are_refused_not_cut(demo: Session) -> None:
    coord = fresh("coord")
    name, duties = max_length(ServicePostBase, "name"), max_length(ServicePostBase, "duties")
    with session_scope() as s:
        with pytest.raises(InvalidInput, match="The name or duties are too long."):
            save_post(s, coord, coord.area_id, "n" * (name + 1), "", 1)
        with pytest.raises(InvalidInput, match="The name or duties are too long."):
            save_post(s, coord, coord.area_id, "Safety watch", "d" * (duties + 1), 1)
        post = save_post(s, coord, coord.area_id, "n" * name, "d" * duties, 1)
    with session_scope() as s, pytest.raises(InvalidInput, match="The name or duties are too long."):
        save_post(s, coord, coord.area_id, "Safety watch", "d" * (duties + 1), 1, post_id=post.id)
    with session_scope(read_only=True) as s:
        assert [(p.name, p.duties) for p in s.exec(select(ServicePost)).all()] == [("n" * name, "d" * duties)]


async def test_public_board_page_shows_commitments_and_no_contact_details(user: TestUser, demo: Session) -> None:
    member = fresh("member1")
    with session_scope() as s:
        commitment = create_commitment(s, member, "Fix the lights in stairwell 3")
        close_commitment(s, member, commitment.id, kept=True, reason="New lamps since March")
        post = save_post(s, fresh("coord"), member.area_id, "Building safety watch", "Walk the stairwells weekly", 2)
        assign_member(s, fresh("coord"), post.id, member.id)
        save_service_point(s, fresh("coord"), ServicePointForm(
            area_id=member.area_id, name="锦江社区服务站", address="望江路 1 号", lat=30.6465, lng=104.0870,
            opening_hours="Mon-Fri 9:00-17:00", contact="028-8000 0000", services="Pensions, repairs"))
    await user.open(f"/public/board/{member.area_id}")  # nobody signed in
    await user.should_see(member.name)
    await user.should_see("Fix the lights in stairwell 3")
    await user.should_see("New lamps since March")
    await user.should_see("Building safety watch")
    await user.should_see("锦江社区服务站")
    html = (await user.http_client.get(f"/public/board/{member.area_id}")).text
    assert "Fix the lights in stairwell 3" in html
    people = demo.exec(select(User)).all()
    households = demo.exec(select(Household)).all()
    leaks = [u.phone for u in people if u.phone] + [h.phone for h in households if h.phone]
    leaks += [h.address for h in households] + [h.head_name for h in households] + [u.username for u in people]
    found = [text for text in leaks if text in html]
    assert not found, f"the public board shows {found}"


def test_board_comments_share_the_public_forms_rate_limit(demo: Session) -> None:
    member = fresh("member1")
    with session_scope() as s:
        commitment = create_commitment(s, member, "Fix the lights in stairwell 3")
    for i in range(rate_limit.PUBLIC_SUBMISSIONS.limit):
        token, answer = solved()
        with session_scope() as s:
            submit_board_comment(s, commitment.id, f"comment {i}", "203.0.113.9", token, answer)
    token, answer = solved()
    with session_scope() as s, pytest.raises(Throttled):
        submit_board_comment(s, commitment.id, "one too many", "203.0.113.9", token, answer)


# --- field days ------------------------------------------------------------------------------

def test_field_day_quota_counts_days_in_the_org_time_zone_across_new_year(demo: Session) -> None:
    leader = fresh("member1")  # a leader, level 1 by default: 30 days
    assert leader.is_leader and leader.leader_level == 1
    late = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)  # 23:30 on 31 December in Shanghai
    early = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January 2027 in Shanghai
    now = datetime(2027, 1, 2, 4, 0, tzinfo=UTC)
    with session_scope() as s:
        record_field_day(s, leader, FieldDayInput(day_at=late, place="Contact point, 望江路 1 号",
                                                  purpose="Hear residents", problems="Broken gate"), now=now)
        record_field_day(s, leader, FieldDayInput(day_at=early, place="Contact point"), now=now)
    with session_scope() as s, pytest.raises(InvalidInput):  # 22:00 on 31 December: the same local day
        record_field_day(s, leader, FieldDayInput(day_at=datetime(2026, 12, 31, 14, 0, tzinfo=UTC),
                                                  place="Again"), now=now)
    with session_scope(read_only=True) as s:
        old = quota_progress(s, leader, 2026, now=now)
        new = quota_progress(s, leader, 2027, now=now)
    assert (old.done, old.quota, old.expected_by_now, old.behind) == (1, 30, 30, True)  # the year is over
    assert (new.done, new.quota, new.expected_by_now, new.behind) == (1, 30, 0, False)

    # Half way through 2027 a leader with one day is overdue; level 2 asks for 60 days.
    midyear = datetime(2027, 7, 2, 12, 0, tzinfo=UTC)
    with session_scope(read_only=True) as s:
        progress = quota_progress(s, leader, 2027, now=midyear)
    assert progress.behind and progress.expected_by_now == 15  # 30 x 182.8 / 365 days
    with session_scope() as s:
        s.get(User, leader.id).leader_level = 2
    with session_scope(read_only=True) as s:
        assert quota_progress(s, fresh("member1"), 2027, now=midyear).quota == 60
        assert quota_progress(s, fresh("member2"), 2027, now=midyear) is None  # not a leader
    with session_scope() as s, pytest.raises(Forbidden):
        record_field_day(s, fresh("member2"), FieldDayInput(day_at=late, place="x"), now=now)


def test_a_problem_taken_up_on_a_field_day_becomes_a_request(demo: Session) -> None:
    leader = fresh("member1")
    with session_scope() as s:
        day = record_field_day(s, leader, FieldDayInput(day_at=datetime.now(UTC), place="Contact point",
                                                        problems="The gate of building 5 is broken"))
    with session_scope() as s:
        request = raise_request_from_field_day(s, leader, day.id, HOUSING, "The gate of building 5 is broken")
    with session_scope(read_only=True) as s:
        stored = s.get(ServiceRequest, request.id)
        assert stored.source == RequestSource.service_point and stored.area_id == leader.area_id
        assert stored.raised_by_id == leader.id
        assert s.exec(select(FieldDayRequest)).one().request_id == request.id
    with session_scope() as s, pytest.raises(NotFound):
        raise_request_from_field_day(s, fresh("coord"), day.id, HOUSING, "not their day")


def test_field_day_texts_longer_than_the_model_takes_are_refused_not_cut(demo: Session) -> None:
    leader = fresh("member1")
    now = datetime.now(UTC)
    for field in ("place", "purpose", "learned", "problems"):
        limit = max_length(FieldDayBase, field)
        values = {"day_at": now, "place": "Contact point", field: "x" * (limit + 1)}
        with pytest.raises(InvalidInput, match=f"A text field is longer than {limit} characters."):
            FieldDayInput(**values)
        copied = FieldDayInput(day_at=now, place="Contact point").model_copy(update={field: "x" * (limit + 1)})
        with session_scope() as s, pytest.raises(InvalidInput, match=f"longer than {limit} characters"):
            record_field_day(s, leader, copied)  # a copy is not validated: the service checks
    with session_scope() as s:
        day = record_field_day(s, leader, FieldDayInput(day_at=now, place="Contact point"))
    description = max_length(ServiceRequestBase, "description")
    with session_scope() as s, pytest.raises(InvalidInput, match=f"The description is longer than {description}"):
        raise_request_from_field_day(s, leader, day.id, HOUSING, "x" * (description + 1))
    with session_scope(read_only=True) as s:
        assert [d.id for d in s.exec(select(FieldDay)).all()] == [day.id]
        assert s.exec(select(FieldDayRequest)).all() == [] and s.exec(select(ServiceRequest)).all() == []


# --- service points --------------------------------------------------------------------------

async def test_service_points_appear_on_the_map_endpoint(user: TestUser, demo: Session) -> None:
    coord = fresh("coord")
    with session_scope() as s:
        point = save_service_point(s, coord, ServicePointForm(
            area_id=coord.area_id, name="望江路街道便民服务中心", address="望江路 1 号", lat=30.65, lng=104.09,
            opening_hours="9:00-17:00", contact="028-8000 0000", services="Everything"))
        save_service_point(s, coord, ServicePointForm(area_id=coord.area_id, name="No pin yet"))
    await sign_in(user, "coord")
    data = (await user.http_client.get("/api/v1/map-data")).json()
    points = [f for f in data["features"] if f["properties"]["kind"] == "service_point"]
    assert [(p["properties"]["id"], p["properties"]["name"], p["geometry"]["coordinates"]) for p in points] == [
        (point.id, "望江路街道便民服务中心", [104.09, 30.65])]
    assert any(f["properties"]["kind"] == "household" for f in data["features"])
    with session_scope(read_only=True) as s:
        nearest = nearest_service_points(s, 30.651, 104.091)
    assert nearest[0].point.id == point.id and nearest[0].distance_m < 200
    with session_scope() as s, pytest.raises(Forbidden):
        save_service_point(s, fresh("member1"), ServicePointForm(area_id=coord.area_id, name="x"))


# --- the annual record -----------------------------------------------------------------------

def _seed_year(year: int) -> User:
    """A year of member1's service, through the services, plus noise just outside the year."""
    member, coord = fresh("member1"), fresh("coord")
    with session_scope() as s:  # paired since before the year (the demo pairs them "200 days ago")
        for pairing in s.exec(select(Pairing).where(Pairing.member_id == member.id)).all():
            pairing.started_at = local(year - 1, 6, 1)
            s.add(pairing)
    with session_scope(read_only=True) as s:
        homes = [s.get(Household, p.household_id) for p in
                 s.exec(select(Pairing).where(Pairing.member_id == member.id).order_by(Pairing.id)).all()]
    visit_times = [local(year, 1, 1, 0, 30), local(year, 3, 5), local(year, 6, 9), local(year, 12, 31, 23, 30),
                   local(year + 1, 1, 1, 0, 30), local(year - 1, 12, 31, 23, 0)]  # the last two: other years
    for i, when in enumerate(visit_times):
        home = homes[i % len(homes)]
        far = i == 2  # not verified: 2 km away
        data = VisitInput(id=str(uuid.uuid4()), household_id=home.id, visited_at=when,
                          lat=home.lat + (0.02 if far else 0.0003), lng=home.lng, accuracy_m=10.0,
                          location_source=LocationSource.gps, notes="ok")
        with session_scope() as s:
            record_visit(s, member, data, now=when + timedelta(hours=1))

    def raise_one(when: datetime, text: str) -> int:
        with session_scope() as s:
            return raise_request(s, member, RequestInput(category_id=HOUSING, description=text,
                                                         household_id=homes[0].id), now=when).id

    on_time, late, explained, reopened = (raise_one(local(year, m, 10), t) for m, t in (
        (2, "Stairwell light"), (4, "Leaking roof"), (5, "Noise"), (8, "Broken lift")))
    raise_one(local(year + 1, 1, 1, 0, 5), "Next year's")
    for request_id in (on_time, late, explained, reopened):
        with session_scope() as s:
            created = s.get(ServiceRequest, request_id).created_at
            assign_request(s, coord, request_id, member.id, now=created + timedelta(hours=1))
    answers = [(on_time, RequestStatus.resolved, timedelta(hours=20), Satisfaction.satisfied),
               (late, RequestStatus.resolved, timedelta(days=10), Satisfaction.basically_satisfied),
               (explained, RequestStatus.explained, timedelta(hours=30), Satisfaction.basically_satisfied),
               (reopened, RequestStatus.resolved, timedelta(hours=5), Satisfaction.not_satisfied)]
    for request_id, status, after, satisfaction in answers:
        with session_scope() as s:
            created = s.get(ServiceRequest, request_id).created_at
            change_status(s, member, request_id, status, note="Done", now=created + after)
        with session_scope() as s:
            rate_on_behalf(s, member, request_id, satisfaction, now=created + after + timedelta(days=1))

    def event(start: datetime, hours: float) -> int:
        with session_scope() as s:
            return create_event(s, coord, EventForm(area_id=coord.area_id, title="Clean-up", starts_at=start,
                                                    ends_at=start + timedelta(hours=hours), capacity=5)).id

    for start, hours, how in ((local(year, 4, 1, 9), 3.0, "present"), (local(year, 9, 1, 9), 4.0, "corrected"),
                              (local(year, 10, 1, 9), 2.0, "absent"), (local(year + 1, 1, 1, 0, 10), 2.0, "present")):
        event_id = event(start, hours)
        with session_scope() as s:
            signup = sign_up(s, member, event_id, now=start - timedelta(days=1))
        with session_scope() as s:
            if how == "corrected":
                correct_hours(s, coord, signup.id, 1.5, "Left early")
            else:
                set_present(s, coord, signup.id, how == "present", now=start + timedelta(days=1))

    with session_scope() as s:
        kept = create_commitment(s, member, "Fix the lights", year=year, now=local(year, 1, 20))
        create_commitment(s, member, "Hospital check-ups", year=year, now=local(year, 1, 20))
    with session_scope() as s:
        close_commitment(s, member, kept.id, kept=True, reason="Done", now=local(year, 6, 1))
    with session_scope() as s:
        post = save_post(s, coord, member.area_id, "Building safety watch", "Weekly rounds", 1)
        other = save_post(s, coord, member.area_id, "Library desk", "", 1)
    with session_scope() as s:
        assign_member(s, coord, post.id, member.id, now=local(year, 2, 1))
        apply_for_post(s, member, other.id, now=local(year, 3, 1))  # applied, never assigned: not a post held
    for when in (local(year, 1, 3), local(year, 2, 3), local(year, 12, 31, 23, 30), local(year + 1, 1, 1, 0, 30)):
        with session_scope() as s:
            record_field_day(s, member, FieldDayInput(day_at=when, place="Contact point"), now=when)
    return member


def test_annual_record_equals_a_direct_count_of_the_tables(demo: Session) -> None:
    year = datetime.now(SHANGHAI).year - 1  # a whole year in the past: every date is valid
    member = _seed_year(year)

    def in_year(dt: datetime | None) -> bool:
        return dt is not None and dt.astimezone(SHANGHAI).year == year

    with session_scope() as s:
        record = annual_record(s, member, member.id, year)
    with session_scope(read_only=True) as s:
        visits = [v for v in s.exec(select(Visit).where(Visit.member_id == member.id)) if in_year(v.visited_at)]
        start, end = datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
        paired = {p.household_id for p in s.exec(select(Pairing).where(Pairing.member_id == member.id))
                  if p.started_at < end and (p.ended_at is None or p.ended_at >= start)}
        requests = s.exec(select(ServiceRequest)).all()
        raised = [r for r in requests if r.raised_by_id == member.id and in_year(r.created_at)]
        resolved = [r for r in requests if r.assignee_id == member.id and r.status == RequestStatus.resolved
                    and in_year(r.closed_at)]
        ratings = [r for r in s.exec(select(Rating)) if r.assignee_id == member.id and in_year(r.at)]
        commitments = s.exec(select(Commitment).where(Commitment.member_id == member.id,
                                                      Commitment.year == year)).all()
        hours, attended = 0.0, 0
        for signup in s.exec(select(Signup).where(Signup.user_id == member.id,
                                                  Signup.status == SignupStatus.confirmed)):
            event = s.get(Event, signup.event_id)
            att = s.exec(select(Attendance).where(Attendance.signup_id == signup.id)).first()
            if not in_year(event.starts_at) or att is None:
                continue
            if att.hours_corrected is not None:
                h = att.hours_corrected
            elif att.checked_in_at and not att.no_show:
                h = ((att.checked_out_at or event.ends_at) - max(att.checked_in_at, event.starts_at)
                     ).total_seconds() / 3600
            else:
                h = 0.0
            hours, attended = hours + h, attended + (h > 0)
        posts = sorted({s.get(ServicePost, a.post_id).name for a in s.exec(
            select(PostAssignment).where(PostAssignment.member_id == member.id))
            if a.assigned_at is not None and a.assigned_at < end and (a.ended_at is None or a.ended_at >= start)})
        field_days = [d for d in s.exec(select(FieldDay).where(FieldDay.user_id == member.id)) if in_year(d.day_at)]

    expected = {
        "households_paired": len(paired),
        "visits": len(visits),
        "visits_verified": sum(v.verified for v in visits),
        "requests_raised": len(raised),
        "requests_resolved": len(resolved),
        "requests_resolved_on_time": sum(r.closed_at <= r.due_at for r in resolved),
        "satisfied": sum(r.satisfaction == Satisfaction.satisfied for r in ratings),
        "basically_satisfied": sum(r.satisfaction == Satisfaction.basically_satisfied for r in ratings),
        "not_satisfied": sum(r.satisfaction == Satisfaction.not_satisfied for r in ratings),
        "commitments": len(commitments),
        "commitments_kept": sum(c.status == CommitmentStatus.kept for c in commitments),
        "commitments_not_kept": sum(c.status == CommitmentStatus.not_kept for c in commitments),
        "events_attended": attended,
        "event_hours": round(hours, 2),
        "posts": posts,
        "field_days": len(field_days),
        "field_day_quota": 30,
    }
    assert {key: getattr(record, key) for key in expected} == expected
    # And the seeded year is what the test meant: nothing above is trivially zero.
    assert (record.visits, record.visits_verified, record.requests_raised, record.requests_resolved) == (4, 3, 4, 2)
    assert (record.requests_resolved_on_time, record.ratings, record.satisfaction_share) == (1, 4, 0.75)
    assert (record.event_hours, record.events_attended, record.posts, record.field_days) == (
        4.5, 2, ["Building safety watch"], 3)
    assert record.households_paired == len(paired) > 0

    with session_scope() as s:
        rows = area_summary(s, fresh("coord"), year)
        with pytest.raises(NotFound):
            annual_record(s, fresh("member2"), member.id, year)  # another member's record stays private
        with pytest.raises(Forbidden):
            area_summary(s, member, year)
    assert next(r for r in rows if r.member_id == member.id) == record
    assert {r.member_id for r in rows} >= {fresh(f"member{i}").id for i in range(1, 7)}
    assert to_xlsx("Record", summary_table(rows))[:2] == b"PK"
    if PDF_FONT.is_file():  # .ci/run installs fonts-wqy-microhei
        assert to_pdf(f"{member.name} {year}", [["", ""], *record_rows(record)])[:5] == b"%PDF-"


def test_pdf_export_without_the_font_says_what_to_install(tmp_path) -> None:
    with pytest.raises(InvalidInput) as caught:
        to_pdf("x", [["a", "b"]], font=tmp_path / "missing.ttc")
    assert "fonts-wqy-microhei" in caught.value.message
