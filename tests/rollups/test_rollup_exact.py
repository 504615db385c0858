"""Rollups stay exact: concurrent visit writes, edits, deletes, reviews and household moves, then a full
recount finds no drift; drift made behind the app's back is reported and rebuilt by the command line.

Runs on SQLite, and on PostgreSQL when DOORSTEP_TEST_DATABASE_URL points at a server (as the suite).
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session, col, select

from core import cli, db
from core.db import session_scope
from models import Household, Photo, ReviewState, Role, User, Visit, VisitRollup
from models.common import utcnow
from services.rollups.rebuild import check_database
from services.visits.review.counting import apply_rule, refresh_household_clock
from services.visits.review.review import review_visit
from tests.helpers import account
from tests.helpers.visit_review import homes_of, store, visit_input

ROUNDS = 6


def _member_work(member: User, homes: list[Household], seed: int, errors: list[BaseException]) -> None:
    rng = random.Random(seed)
    now = utcnow()
    try:
        mine: list[str] = []
        for i in range(ROUNDS):
            home = rng.choice(homes)
            kind = rng.choice(["verified", "verified", "far", "address"])
            when = now - timedelta(days=rng.uniform(0, 120))
            photos = (seed * 100 + i,) if i % 3 == 0 else ()
            mine.append(store(member, visit_input(home, kind, when, photo_consent=bool(photos)),
                             now=when + timedelta(hours=1), photos=photos).id)
            if i % 2 == 1:  # edit: another day (maybe another month), another place, the check redone
                with session_scope() as s:
                    visit = s.get(Visit, rng.choice(mine))
                    visit.visited_at = visit.visited_at - timedelta(days=rng.randint(1, 40))
                    if visit.lat is not None:
                        visit.lat += 0.002
                    visit.verified = not visit.verified
                    s.add(visit)
                    apply_rule(visit)
                    refresh_household_clock(s, visit.household_id)
            if i % 3 == 2:  # delete one, with its photos (as the resident's data deletion does)
                with session_scope() as s:
                    # one the reviewer leaves alone (counted, never reviewed): no review row can refer to it
                    victim = s.exec(select(Visit).where(col(Visit.id).in_(mine), col(Visit.counts).is_(True),
                                                        Visit.review_state == ReviewState.received)).first()
                    if victim is not None:
                        mine.remove(victim.id)
                        for photo in s.exec(select(Photo).where(Photo.visit_id == victim.id)).all():
                            s.delete(photo)
                        s.flush()
                        s.delete(victim)
                        s.flush()
                        refresh_household_clock(s, victim.household_id)
    except BaseException as exc:
        errors.append(exc)


def _reviewer_work(coord: User, stop: threading.Event, errors: list[BaseException], done: list[ReviewState]) -> None:
    states = itertools.cycle([ReviewState.approved, ReviewState.rejected, ReviewState.has_issues])
    try:
        while not stop.is_set():
            with session_scope() as s:
                waiting = s.exec(select(Visit.id).where(Visit.review_state == ReviewState.received,
                                                        Visit.counts.is_(False)).limit(5)).all()  # type: ignore[attr-defined]
            for vid in waiting:
                state = next(states)
                with session_scope() as s:
                    try:
                        review_visit(s, coord, vid, state, "" if state == ReviewState.approved else "checked")
                        done.append(state)
                    except Exception:
                        s.rollback()
            stop.wait(0.01)
    except BaseException as exc:
        errors.append(exc)


def _mover_work(stop: threading.Event, errors: list[BaseException]) -> None:
    """A coordinator corrects households' pins and areas while visits come in."""
    try:
        for step in range(4):
            with session_scope() as s:
                homes = s.exec(select(Household).order_by(Household.id).offset(step * 3).limit(3)).all()
                other_areas = sorted({h.area_id for h in s.exec(select(Household)).all()})
                for home in homes:
                    home.lat = (home.lat or 30.6) + 0.01
                    home.lng = home.lng or 104.0
                    home.area_id = other_areas[(other_areas.index(home.area_id) + 1) % len(other_areas)]
                    s.add(home)
            if stop.wait(0.05):
                return
    except BaseException as exc:
        errors.append(exc)


def test_rollups_exact_after_concurrent_writes_edits_deletes_reviews_and_moves(demo: Session) -> None:
    members = [account(demo, f"member{i}") for i in (1, 2, 3, 4)]
    coord = account(demo, "coord")
    homes = {m.id: homes_of(demo, m) for m in members}
    demo.rollback()
    assert check_database(db.get_engine()).none, "the demo data starts exact"
    errors: list[BaseException] = []
    stop = threading.Event()
    reviews: list[ReviewState] = []
    side = [threading.Thread(target=_reviewer_work, args=(coord, stop, errors, reviews)),
            threading.Thread(target=_mover_work, args=(stop, errors))]
    workers = [threading.Thread(target=_member_work, args=(m, homes[m.id], i + 1, errors))
               for i, m in enumerate(members)]
    for t in side + workers:
        t.start()
    for t in workers:
        t.join(timeout=300)
    deadline = time.monotonic() + 60
    while len(set(reviews)) < 3 and time.monotonic() < deadline and not errors:  # the reviewer's turn
        time.sleep(0.05)
    stop.set()
    for t in side:
        t.join(timeout=60)
    assert not errors, errors
    with session_scope() as s:
        states = set(s.exec(select(Visit.review_state)).all())
        moved = s.exec(select(VisitRollup).where(VisitRollup.kind == "cell14")).first()
    assert {ReviewState.rejected, ReviewState.approved, ReviewState.has_issues} <= states  # the reviews happened
    assert moved is not None
    found = check_database(db.get_engine())
    assert found.none, found.examples


def test_rollups_exact_when_a_household_moves_in_the_same_flush_as_an_edit_of_its_visit(demo: Session) -> None:
    """The flush sees the household and the visit in either order (identity-set order); the visit moves once."""
    demo.rollback()
    with session_scope() as s:
        areas = sorted({h.area_id for h in s.exec(select(Household)).all()})
        visited = sorted(set(s.exec(select(Visit.household_id)).all()))[:12]
    for household_id in visited:
        with session_scope() as s:
            visit = s.exec(select(Visit).where(Visit.household_id == household_id)).first()
            home = s.get(Household, household_id)
            visit.verified = not visit.verified
            home.area_id = areas[(areas.index(home.area_id) + 1) % len(areas)]
            s.add(visit)
            s.add(home)
        found = check_database(db.get_engine())
        assert found.none, (household_id, found.examples)


def test_rollups_check_reports_drift_and_rebuild_repairs_it(demo: Session, capsys) -> None:
    assert cli.run_command(cli.parse(["rollups", "--check"])) == cli.EXIT_OK
    assert "no drift" in capsys.readouterr().out
    with db.get_engine().begin() as conn:  # a write behind the app's back
        conn.execute(text("UPDATE visitrollup SET n = n + 3 WHERE kind = 'area' AND unit = 'M' "
                          "AND period = (SELECT max(period) FROM visitrollup WHERE kind = 'area' AND unit = 'M')"))
        conn.execute(text("DELETE FROM householdrollup WHERE level = 0"))
    assert cli.run_command(cli.parse(["rollups", "--check"])) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "rollups drifted" in err and "household rows" in err
    assert cli.run_command(cli.parse(["rollups", "--rebuild"])) == cli.EXIT_OK
    assert cli.run_command(cli.parse(["rollups", "--check"])) == cli.EXIT_OK


def test_rollups_daily_job_is_scheduled_and_repairs_drift(demo: Session) -> None:
    from services.rollups.rebuild import rollups_job
    from services.schedule.loop import JOBS

    assert "rollups" in [name for name, _interval, _job in JOBS]
    with db.get_engine().begin() as conn:
        conn.execute(text("UPDATE visitrollup SET n = n + 1 WHERE kind = 'member'"))
    result = rollups_job(utcnow())
    assert result["rebuilt"] == 1 and result["visit_rows"] > 0
    assert check_database(db.get_engine()).none
    assert Role.coordinator  # the demo's coordinator is untouched by the job
