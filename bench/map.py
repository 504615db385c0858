"""Benchmark: map data and coverage queries at 100,000 visits over 20,000 households in one area tree.

Run from the repository root: ``python bench/map.py [--scale N] [--sqlite-file F] [--skip-browser] [--skip-pg]``.
``--scale 10`` is 100,000 households and 1,000,000 visits (``--households`` to choose);
``--sqlite-file`` keeps the generated SQLite database in that file and reuses it on the next run
(brought to the newest schema first, which times the migration's backfill when the file was made before it).
Generates the data with bulk inserts into a temporary data folder (SQLite) and, when reachable,
a temporary PostgreSQL database (created and dropped again); then measures
- the map-data service for a city-wide and a street-level view (median of runs), payload bytes,
  against the naive baseline "every point, raw" measured in the same run;
- the same request by HTTP through the running app (signed-in browser session), and the time
  until the map is drawn and interactive in headless Chromium (Debian's, via Playwright);
- the coverage dashboard's queries;
with the visits' review state (signals, review_state, counts: services/visit_review) in the data and
in the queries.
Results go in docs/BENCHMARKS.md ("Map").
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text
from sqlmodel import Session, select

from core import config, db
from models import Area, Household, HouseholdNeed, Pairing, Photo, Role, User, Visit
from models.common import utcnow
from services.accounts.passwords import hash_password

HOUSEHOLDS, VISITS, COMMUNITIES, GRIDS_PER_COMMUNITY, MEMBERS_PER_GRID = 20_000, 100_000, 10, 5, 4
CENTRE = (30.65, 104.07)  # Chengdu
SPREAD = 0.10  # +-0.10 deg: a city of about 20 x 20 km
CITY_VIEW = (CENTRE[1] - 0.16, CENTRE[0] - 0.12, CENTRE[1] + 0.16, CENTRE[0] + 0.12), 12
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "doorstep-demo"
REVISION = "head"  # the schema revision generate() makes (an older one to time a migration's backfill)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def generate(url: str, seed: int = 11, scale: int = 1, households: int | None = None) -> dict:
    """Schema by Alembic, organisation and accounts by the services, the bulk by executemany."""
    # --scale 10: 1,000,000 visits over 100,000 households (issue 17), unless told otherwise
    households_n, visits_n = households or HOUSEHOLDS * max(1, scale // 2), VISITS * scale
    db.upgrade_schema(url, REVISION)
    engine = db.make_engine(url)
    rng = random.Random(seed)
    now = utcnow()
    started = time.perf_counter()
    root_path, root_id = _organisation(engine)
    password_hash = hash_password(PASSWORD)
    with engine.begin() as conn:
        areas, grids = _areas(conn, rng, root_path, root_id)
        members_of, n_members = _members(conn, grids, password_hash, now)
        home = _households(conn, rng, households_n, grids, members_of, now)
        n_photos = _visits(conn, rng, visits_n, households_n, home, now)
        if url.startswith("postgresql"):
            for table in ("area", "user", "household", "pairing", "photo"):  # ids were given explicitly
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                  f"(SELECT max(id) FROM \"{table}\"))"))
    rollups_seconds = None
    if REVISION == "head":  # the bulk inserts went around the flush hook: the rollups are counted once
        from services.rollups.rebuild import rebuild

        t = time.perf_counter()
        with engine.begin() as conn:
            rebuild(conn)
        rollups_seconds = time.perf_counter() - t
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return {"seconds": time.perf_counter() - started, "households": households_n, "visits": visits_n,
            "photos": n_photos, "areas": len(areas) + 1, "members": n_members, "rollups_seconds": rollups_seconds}


def _organisation(engine) -> tuple[str, int]:
    """The organisation, its admin and a coordinator of the whole office, through the services."""
    from services.accounts.users import UserForm, create_user
    from services.org.setup import create_organisation

    with Session(engine) as session:
        admin = create_organisation(session, "Bench org", "Bench street office", "Admin", "admin", None, PASSWORD)
        root = session.get(Area, admin.area_id)
        create_user(session, None, UserForm(username="coord", name="Coordinator", role=Role.coordinator,
                                            area_id=root.id), PASSWORD, must_change=False)
        session.commit()
        return root.path, root.id


def _areas(conn, rng: random.Random, root_path: str, root_id: int) -> tuple[list[dict], list[tuple]]:
    """COMMUNITIES communities of GRIDS_PER_COMMUNITY grids each; the grids with their centres."""
    next_area = root_id + 1
    areas, grids = [], []
    for c in range(COMMUNITIES):
        cid = next_area
        next_area += 1
        areas.append({"id": cid, "name": f"Community {c + 1}", "kind": "community", "parent_id": root_id,
                      "path": f"{root_path}{cid}/"})
        for g in range(GRIDS_PER_COMMUNITY):
            gid = next_area
            next_area += 1
            centre = (CENTRE[0] + rng.uniform(-SPREAD, SPREAD) * 0.85,
                      CENTRE[1] + rng.uniform(-SPREAD, SPREAD) * 0.85)
            areas.append({"id": gid, "name": f"Grid {c + 1}-{g + 1}", "kind": "grid", "parent_id": cid,
                          "path": f"{root_path}{cid}/{gid}/"})
            grids.append((gid, centre))
    conn.execute(insert(Area), areas)
    return areas, grids


def _members(conn, grids: list[tuple], password_hash: str, now) -> tuple[dict[int, list[int]], int]:
    """MEMBERS_PER_GRID members in each grid: their ids per grid, and how many in all."""
    users, members_of = [], {}
    uid = 100
    for gid, _centre in grids:
        members_of[gid] = []
        for _ in range(MEMBERS_PER_GRID):
            users.append({"id": uid, "username": f"m{uid}", "name": f"Member {uid}", "password_hash": password_hash,
                          "role": Role.member.name, "area_id": gid, "is_leader": False, "active": True,
                          "must_change_password": False, "sessions_valid_after": now, "created_at": now})
            members_of[gid].append(uid)
            uid += 1
    conn.execute(insert(User), users)
    return members_of, len(users)


def _households(conn, rng: random.Random, households_n: int, grids: list[tuple], members_of: dict[int, list[int]],
                now) -> dict[int, tuple[float, float, int]]:
    """Households around their grid's centre, with needs and a paired member: each one's (lat, lng, member)."""
    households, needs, pairings, home = [], [], [], {}
    for hid in range(1, households_n + 1):
        gid, (lat0, lng0) = grids[rng.randrange(len(grids))]
        lat, lng = lat0 + rng.gauss(0, 0.008), lng0 + rng.gauss(0, 0.008)
        member = rng.choice(members_of[gid])
        home[hid] = (lat, lng, member)
        households.append({"id": hid, "area_id": gid, "head_name": f"Household {hid}", "address": f"Street {hid}",
                           "members_count": 2, "notes": "", "lat": round(lat, 6), "lng": round(lng, 6),
                           "geocode_status": "manual", "last_visit_at": None, "created_at": now,
                           "updated_at": now})
        for cat in rng.sample(range(1, 6), rng.randint(1, 2)):
            needs.append({"household_id": hid, "category_id": cat})
        pairings.append({"household_id": hid, "member_id": member, "started_at": now - timedelta(days=400),
                         "ended_at": None})
    conn.execute(insert(Household), households)
    conn.execute(insert(HouseholdNeed), needs)
    conn.execute(insert(Pairing), pairings)
    return home


def _visit_row(rng: random.Random, hid: int, home: dict, now) -> dict:
    """One visit to household ``hid`` in the last year, with its review state."""
    lat, lng, member = home[hid]
    when = now - timedelta(days=rng.uniform(0, 365))
    verified = rng.random() < 0.85
    vid = str(uuid.UUID(int=rng.getrandbits(128)))
    jitter = 0.0005 if verified else 0.004
    # Review (services/visit_review): unverified visits carry a signal; of those a third were
    # approved, a tenth rejected, the rest wait; 3 % of the verified ones were entered late.
    signals = [] if verified else [{"code": "unverified", "reason": "too_far", "m": 300}]
    if rng.random() < 0.03:
        signals.append({"code": "late", "hours": 72})
    state = "received"
    if signals:
        draw = rng.random()
        state = "approved" if draw < 0.33 else "rejected" if draw < 0.43 else "received"
    counts = state == "approved" or (state == "received" and not signals)
    return {"id": vid, "household_id": hid, "member_id": member, "visited_at": when,
            "lat": lat + rng.uniform(-jitter, jitter), "lng": lng + rng.uniform(-jitter, jitter),
            "accuracy_m": 15.0, "location_source": "gps", "distance_m": 30.0 if verified else 300.0,
            "verified": verified, "notes": "", "needs_raised": "", "help_given": "",
            "photo_consent": True, "created_at": when, "signals": signals, "review_state": state,
            "counts": counts}


def _visits(conn, rng: random.Random, visits_n: int, households_n: int, home: dict, now) -> int:
    """``visits_n`` visits (a photo on every third), inserted 20,000 at a time; the households' last
    counted visit set. Returns the number of photos."""
    visits, photos, last, n_photos = [], [], {}, 0
    for i in range(visits_n):
        visit = _visit_row(rng, rng.randint(1, households_n), home, now)
        visits.append(visit)
        when, vid = visit["visited_at"], visit["id"]
        if i % 3 == 0:
            photos.append({"visit_id": vid, "file_key": f"k{i}", "thumb_key": f"t{i}", "width": 1600,
                           "height": 1200, "size_bytes": 400_000, "phash": f"{i:016x}",
                           "upload_sha256": f"{i:064x}", "created_at": when})
        if visit["counts"]:  # the household clock runs on counted visits only
            hid = visit["household_id"]
            last[hid] = max(last.get(hid, when), when)
        if len(visits) == 20_000:
            conn.execute(insert(Visit), visits)
            conn.execute(insert(Photo), photos)
            n_photos += len(photos)
            visits, photos = [], []
    if visits:
        conn.execute(insert(Visit), visits)
    if photos:
        conn.execute(insert(Photo), photos)
    n_photos += len(photos)
    conn.execute(text("UPDATE household SET last_visit_at = :at WHERE id = :id"),
                 [{"at": at, "id": hid} for hid, at in last.items()])
    return n_photos


def densest_street_view(url: str) -> tuple[tuple[float, float, float, float], int]:
    """A view about 700 x 500 m (a desktop at zoom 17) around the centre of the fullest grid."""
    engine = db.make_engine(url)
    with engine.connect() as conn:
        lat, lng = conn.execute(text(
            "SELECT avg(lat), avg(lng) FROM household WHERE area_id = (SELECT area_id FROM household "
            "GROUP BY area_id ORDER BY count(*) DESC LIMIT 1)")).one()
    engine.dispose()
    return (lng - 0.0035, lat - 0.0023, lng + 0.0035, lat + 0.0023), 17


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def measure_services(url: str, runs: int, scale: int = 1) -> dict:
    from services.households.coverage import (
        coverage_by_area,
        coverage_summary,
        overdue_by_member,
        overdue_households,
        visits_per_member_month,
    )
    from services.map import data as map_data
    from services.map.data import MapFilters, build_map_payload

    engine = db.make_engine(url).execution_options(doorstep_read_only=True)
    street = densest_street_view(url)
    out: dict = {"street_bbox": street[0]}
    with Session(engine) as session:
        coord = session.exec(select(User).where(User.username == "coord")).one()
        all_time = MapFilters()
        views = {"city": CITY_VIEW, "street": street}
        for name, (bbox, zoom) in views.items():
            ms, payload = timed(lambda b=bbox, z=zoom: build_map_payload(session, coord, b, z, all_time), runs)
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
            out[name] = {"ms": ms, "bytes": len(body), "gzip": len(gzip.compress(body)), "meta": payload["meta"]}
        if scale == 1:  # at scale 10 the naive baseline is a million points in one payload
            # Baseline: the naive design, every household and visit in the view as a raw point.
            limit = map_data.RAW_LIMIT
            map_data.RAW_LIMIT = 10**9
            try:
                bbox, zoom = CITY_VIEW
                ms, payload = timed(lambda: build_map_payload(session, coord, bbox, zoom, all_time),
                                    max(1, runs // 3))
            finally:
                map_data.RAW_LIMIT = limit
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
            out["city_raw_baseline"] = {"ms": ms, "bytes": len(body), "gzip": len(gzip.compress(body)),
                                        "features": len(payload["features"])}
        # The same views and queries counted from the visits (the code before the rollups), same run.
        from services.rollups import read as rollup_read

        usable = rollup_read.filters_held
        rollup_read.filters_held = lambda *_a: False
        try:
            for name, (bbox, zoom) in views.items():
                out[f"{name}_counted"] = {"ms": timed(lambda b=bbox, z=zoom: build_map_payload(
                    session, coord, b, z, all_time), max(1, runs // 3))[0]}
            period0 = MapFilters(date_from=utcnow() - timedelta(days=30))
            out["coverage_counted"] = {name: timed(lambda q=q: q(session, coord, period0), max(1, runs // 3))[0]
                                       for name, q in (("coverage_summary", coverage_summary),
                                                       ("coverage_by_area", coverage_by_area),
                                                       ("visits_per_member_month (6 months)", visits_per_member_month))}
        finally:
            rollup_read.filters_held = usable
        period = MapFilters(date_from=utcnow() - timedelta(days=30))
        queries = {"coverage_summary": coverage_summary, "coverage_by_area": coverage_by_area,
                   "overdue_by_member": overdue_by_member,
                   "overdue_households (first 50)": lambda s, a, f: overdue_households(s, a, f, 50),
                   "visits_per_member_month (6 months)": visits_per_member_month}
        out["coverage"] = {name: timed(lambda q=q: q(session, coord, period), runs)[0] for name, q in queries.items()}
        # Filters the rollups do not hold: counted from the visits ("counting ..." on the page), target < 1 s.
        need = MapFilters(date_from=period.date_from, need_id=1)
        out["counted"] = {"map city, need filter": timed(lambda: build_map_payload(session, coord, *CITY_VIEW, need),
                                                         max(1, runs // 3))[0],
                          "coverage_summary, need filter": timed(lambda: coverage_summary(session, coord, need),
                                                                 max(1, runs // 3))[0]}
        out["lists"] = measure_lists(session, coord, runs)
    engine.dispose()
    out["record_visit"] = measure_recording(url, runs)
    return out


async def sign_in_browser(page, base: str, login: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Phone number or username").fill(login)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(base + "/", timeout=30000)


def measure_lists(session: Session, coord: User, runs: int) -> dict:
    """The coordinator's visit list and household list as they page today (LIMIT/OFFSET)."""
    from services.households.records import list_households
    from services.visits.records import list_visits

    return {"visit list, first page (50)": timed(lambda: list_visits(session, coord, limit=50), runs)[0],
            "visit list, page 200 (offset 10,000)": timed(lambda: list_visits(session, coord, limit=50, offset=10_000),
                                                          max(1, runs // 3))[0],
            "household list, first page (50)": timed(lambda: list_households(session, coord, limit=50), runs)[0]}


def measure_recording(url: str, runs: int) -> dict:
    """Time to record one visit through services.visits.records.record_visit (signals, audit, household clock),
    with the rollups kept and with the hook switched off, interleaved; each transaction is rolled back
    so the data set stays as generated (and exact)."""
    from services.rollups import maintain
    from services.visits.records import VisitInput, record_visit

    engine = db.make_engine(url)
    times: dict[str, list[float]] = {"with rollups": [], "without rollups": []}
    with Session(engine) as session:
        pairing = session.exec(select(Pairing).order_by(Pairing.id)).first()
        member = session.get(User, pairing.member_id)
        home = session.get(Household, pairing.household_id)
        session.expunge_all()
        session.rollback()
    for i in range(max(6, runs) * 2):
        label = "with rollups" if i % 2 else "without rollups"
        maintain.ENABLED = label == "with rollups"
        data = VisitInput(id=str(uuid.uuid4()), household_id=home.id, visited_at=utcnow(), lat=home.lat + 0.0002,
                          lng=home.lng, accuracy_m=12.0, location_source="gps", notes="bench")
        with Session(engine) as session:
            t = time.perf_counter()
            record_visit(session, member, data)
            session.flush()
            times[label].append((time.perf_counter() - t) * 1000)
            session.rollback()
    maintain.ENABLED = True
    engine.dispose()
    result = {label: statistics.median(values) for label, values in times.items()}
    result["ratio"] = result["with rollups"] / result["without rollups"]
    return result


async def measure_browser(data_dir: Path, env: dict, street: tuple, runs: int) -> dict:
    from playwright.async_api import async_playwright

    from tests.e2e.live_app import CHROMIUM, CHROMIUM_ARGS, running_app

    result: dict = {}
    with running_app(data_dir, DOORSTEP_DEMO="0", **env) as base:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
            page = await context.new_page()
            await sign_in_browser(page, base, "coord")
            http = {}
            for name, (bbox, zoom) in (("city", CITY_VIEW), ("street", street)):
                query = f"/api/v1/map-data?bbox={','.join(f'{v:.6f}' for v in bbox)}&zoom={zoom}"
                times, size = [], 0
                for _ in range(runs):
                    t = time.perf_counter()
                    response = await page.request.get(base + query, headers={"Accept-Encoding": "gzip"})
                    size = len(await response.body())
                    times.append((time.perf_counter() - t) * 1000)
                http[name] = {"ms": statistics.median(times), "bytes": size,
                              "encoding": response.headers.get("content-encoding", "identity")}
            result["http"] = http
            tti, street_ms = [], []
            for _ in range(runs):
                await page.goto(base + "/map?days=0")  # every visit of the year, not the last 90 days
                await page.wait_for_function("window.doorstepMapReadyAt > 0", timeout=30000)
                tti.append(await page.evaluate("window.doorstepMapReadyAt"))
                # Zoom to street level as a user would, and time until the new view is drawn.
                loads = await page.evaluate("window.doorstepMapLoads")
                bbox, zoom = street
                t = time.perf_counter()
                await page.evaluate(f"""() => {{
                  const el = document.querySelector('.ds-map');
                  const id = Number(el.id.replace('c', ''));
                  getElement(id).map.setView([{(bbox[1] + bbox[3]) / 2}, {(bbox[0] + bbox[2]) / 2}], {zoom},
                                             {{animate: false}});
                }}""")
                await page.wait_for_function(f"window.doorstepMapLoads > {loads}", timeout=30000)
                street_ms.append((time.perf_counter() - t) * 1000)
            result["city_tti_ms"] = statistics.median(tti)
            result["city_tti_all"] = tti
            result["street_redraw_ms"] = statistics.median(street_ms)
            result["city_features"] = await page.evaluate("window.doorstepMapMeta")
            await browser.close()
    return result


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3):
            return True
    except Exception as exc:
        print(f"PostgreSQL not reachable ({exc}); skipping it")
        return False


def pg_database(action: str, name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        if action == "create":
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        else:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_backend(label: str, url: str, data_dir: Path, env: dict, runs: int, browser: bool, scale: int = 1,
                reuse: bool = False) -> dict:
    os.environ["DOORSTEP_DATA_DIR"] = str(data_dir)
    if env.get("DOORSTEP_DATABASE_URL"):
        os.environ["DOORSTEP_DATABASE_URL"] = env["DOORSTEP_DATABASE_URL"]
    else:
        os.environ.pop("DOORSTEP_DATABASE_URL", None)
    config.get_settings.cache_clear()
    db.reset_engine()
    if reuse:
        started = time.perf_counter()
        db.upgrade_schema(url)  # a file made before the newest migration: this is its backfill
        generated = {"reused": url, "upgrade_seconds": time.perf_counter() - started}
        print(f"[{label}] reused, schema upgraded in {generated['upgrade_seconds']:.1f} s", flush=True)
    else:
        print(f"[{label}] generating ...", flush=True)
        generated = generate(url, scale=scale)
        print(f"[{label}] generated in {generated['seconds']:.1f} s", flush=True)
    result = {"generated": generated, "services": measure_services(url, runs, scale)}
    print(json.dumps(result["services"], indent=1, default=str), flush=True)
    if browser:
        street = tuple(result["services"]["street_bbox"]), 17
        result["browser"] = asyncio.run(measure_browser(data_dir, env, street, max(3, runs // 3)))
        print(json.dumps(result["browser"], indent=1, default=str), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--out", default="bench-map.json")
    parser.add_argument("--scale", type=int, default=1, help="x 20,000 households and 100,000 visits")
    parser.add_argument("--households", type=int, help="households to generate (default: 20,000 x scale / 2)")
    parser.add_argument("--sqlite-file", type=Path, help="keep (or reuse) the SQLite database in this file")
    parser.add_argument("--generate-only", action="store_true", help="make --sqlite-file and stop")
    parser.add_argument("--revision", default="head", help="with --generate-only: the schema revision to make")
    args = parser.parse_args()
    if args.generate_only:
        args.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DOORSTEP_DATA_DIR"] = str(args.sqlite_file.parent)
        config.get_settings.cache_clear()
        global REVISION
        REVISION = args.revision
        print(json.dumps(generate(f"sqlite:///{args.sqlite_file}", scale=args.scale, households=args.households)),
              flush=True)
        return
    results: dict = {"date": time.strftime("%Y-%m-%d"), "nproc": os.cpu_count(), "cpu": cpu_model(),
                     "python": platform.python_version()}
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as tmp:
        data_dir = Path(tmp) / "sqlite" / "data"
        data_dir.mkdir(parents=True)
        db_file = args.sqlite_file or data_dir / "doorstep.db"
        env = {"DOORSTEP_DATABASE_URL": f"sqlite:///{db_file}"} if args.sqlite_file else {}
        results["scale"] = args.scale
        results["sqlite"] = run_backend("sqlite", f"sqlite:///{db_file}", data_dir, env, args.runs,
                                        not args.skip_browser, args.scale, reuse=db_file.exists())
        if not args.skip_pg and pg_available():
            name = "doorstep_bench_map"
            pg_database("create", name)
            try:
                pg_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                pg_dir = Path(tmp) / "pg" / "data"
                pg_dir.mkdir(parents=True)
                results["postgresql"] = run_backend("postgresql", pg_url, pg_dir, {"DOORSTEP_DATABASE_URL": pg_url},
                                                    args.runs, not args.skip_browser, args.scale)
            finally:
                db.reset_engine()
                pg_database("drop", name)
    Path(args.out).write_text(json.dumps(results, indent=1, default=str))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
