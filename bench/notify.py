"""Benchmark: 10,000 event reminders fall due at once; the app's own scheduler sends them to a local fake.

Run from the repository root: ``python bench/notify.py [--postgres URL] [--write]``. Prepares a
fresh database (SQLite in a temporary data folder, or a new database on the given PostgreSQL
server) with 10,000 volunteers each confirmed for an event, starts the app as a subprocess whose
scheduler wakes every 5 s (the only change from production: 60 s there), with Alibaba Cloud SMS
pointed at a local fake service (tests/helpers/notify_fakes.py: real SDK, real signatures, real HTTP).

Phases in one run:
1. baseline: ``GET /health`` at ~20 requests/s for 20 s, nothing to send;
2. the events are moved to start in 23 h 58 min and the reminder scan queues their reminders (an
   SMS and an in-app notice each: 20,000 outbox rows); the sender's lease is released so that the
   next wake sends; ``GET /health`` is measured the same way until the fake has every SMS.
Reports the time until all 10,000 SMS were handed to the fake, duplicates (OutIds seen twice and
rows sent twice), the outbox queries' times on the full table, and /health p50/p95 for both phases.
``--write`` updates the Notifications section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REMINDERS = 10_000
EVENTS = 10
BASELINE_S = 20.0
HEALTH_RATE = 20.0  # requests per second
LAUNCH = ("import services.schedule.loop as s; s.scheduler_loop.__defaults__ = (1.0, 5.0); "
          "import app; app.main()")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict[str, str]) -> None:
    """An organisation, EVENTS events three days ahead, REMINDERS volunteers each confirmed for one."""
    os.environ.update(env)
    from core import db
    from core.config import get_settings
    from core.db import session_scope, upgrade_schema
    from models import Event, Role, Signup, SignupStatus, User
    from models.common import utcnow
    from services.org.setup import create_organisation

    get_settings.cache_clear()
    db.reset_engine()  # a second run (PostgreSQL after SQLite) must not write into the first one's database
    upgrade_schema()
    with session_scope() as s:
        admin = create_organisation(s, "Bench", "Bench street", "Admin", "admin", "13800000001", "bench-password-1")
        area_id = admin.area_id
    start = utcnow() + timedelta(days=3)
    with session_scope() as s:
        events = [Event(area_id=area_id, title=f"社区义诊 {i}", starts_at=start, ends_at=start + timedelta(hours=2),
                        capacity=REMINDERS, confirmed_count=REMINDERS // EVENTS, checkin_code=uuid.uuid4().hex,
                        address="社区服务中心") for i in range(EVENTS)]
        s.add_all(events)
        s.flush()
        users = [User(username=f"v{i}", name=f"V{i}", password_hash="-", role=Role.volunteer, area_id=area_id,
                      phone=f"139{i:08d}") for i in range(REMINDERS)]
        s.add_all(users)
        s.flush()
        earlier = utcnow() - timedelta(days=2)
        s.add_all([Signup(event_id=events[i % EVENTS].id, user_id=u.id, status=SignupStatus.confirmed,
                          confirmed_at=earlier, created_at=earlier) for i, u in enumerate(users)])


async def health_load(base: str, seconds: float | None, done: asyncio.Event | None) -> tuple[list[float], int]:
    """GET /health at HEALTH_RATE per second until ``seconds`` pass or ``done`` is set."""
    times, errors = [], 0
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        async def one() -> None:
            nonlocal errors
            t0 = time.perf_counter()
            try:
                r = await client.get("/health")
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            times.append(time.perf_counter() - t0)

        tasks = []
        while True:
            if seconds is not None and time.monotonic() - started >= seconds:
                break
            if done is not None and done.is_set():
                break
            tasks.append(asyncio.create_task(one()))
            await asyncio.sleep(1 / HEALTH_RATE)
        await asyncio.gather(*tasks)
    return times, errors


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def queue_reminders() -> tuple[float, int]:
    from sqlalchemy import update

    from core.db import session_scope
    from models import Event, JobLease
    from models.common import utcnow
    from services.notify.scans import scan_job

    now = utcnow()
    with session_scope() as s:
        s.exec(update(Event).values(starts_at=now + timedelta(hours=23, minutes=58),
                                    ends_at=now + timedelta(hours=25, minutes=58)))
    t0 = time.perf_counter()
    queued = scan_job(now)["reminders"]
    scan_s = time.perf_counter() - t0
    with session_scope() as s:  # the sender's lease runs out now, as it does each minute
        s.exec(update(JobLease).where(JobLease.name == "notify.send").values(expires_at=now))
    return scan_s, queued


def query_times() -> dict[str, float]:
    """Median of 5 runs of each outbox query, on the full table (ms)."""
    from sqlmodel import select

    from core.db import session_scope
    from models import Channel, OutboxStatus, User
    from models.common import utcnow
    from services.notify import admin as notify_admin
    from services.notify import policy

    result = {}
    with session_scope(read_only=True) as s:
        admin = s.exec(select(User).where(User.username == "admin")).one()
        queries = {
            "claim: due rows, FOR UPDATE SKIP LOCKED, 200": lambda: s.exec(
                select(__import__("models").OutboxMessage.id).where(
                    __import__("services.notify.outbox", fromlist=["_claimable"])._claimable(utcnow()))
                .order_by("next_attempt_at").limit(200)).all(),
            "daily cap: SMS sent today to one number": lambda: policy.sms_sent_today(s, "13900000042", utcnow()),
            "admin page: latest 100 failed SMS": lambda: notify_admin.list_outbox(s, admin, OutboxStatus.failed,
                                                                                  Channel.sms),
            "admin page: latest 100, no filter": lambda: notify_admin.list_outbox(s, admin),
            "admin page: sent per channel and day, 14 days": lambda: notify_admin.counts_per_day(s, admin),
        }
        for name, fn in queries.items():
            runs = []
            for _ in range(5):
                t0 = time.perf_counter()
                fn()
                runs.append((time.perf_counter() - t0) * 1000)
            result[name] = statistics.median(runs)
    return result


def outbox_state() -> tuple[int, int, int]:
    from sqlmodel import func, select

    from core.db import session_scope
    from models import Channel, OutboxMessage, OutboxStatus

    with session_scope(read_only=True) as s:
        sent = s.exec(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.channel == Channel.sms, OutboxMessage.status == OutboxStatus.sent)).one()
        other = s.exec(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.channel == Channel.sms, OutboxMessage.status != OutboxStatus.sent)).one()
        attempts = s.exec(select(func.max(OutboxMessage.attempts))).one() or 0
    return int(sent), int(other), int(attempts)


async def measure(base: str, fake) -> dict:
    baseline, baseline_errors = await health_load(base, BASELINE_S, None)
    scan_s, queued = queue_reminders()
    started = time.monotonic()
    done = asyncio.Event()

    async def watch() -> None:
        while len(fake.accepted) < REMINDERS:
            await asyncio.sleep(0.2)
            if time.monotonic() - started > 900:
                break
        done.set()

    watcher = asyncio.create_task(watch())
    during, during_errors = await health_load(base, None, done)
    await watcher
    handed_s = time.monotonic() - started
    first = min(a["at"] for a in fake.accepted) - started if fake.accepted else float("nan")
    return {"baseline": baseline, "baseline_errors": baseline_errors, "during": during,
            "during_errors": during_errors, "scan_s": scan_s, "queued": queued, "handed_s": handed_s,
            "first_s": first}


def run(database_url: str) -> dict:
    from tests.helpers.notify_fakes import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FakeAliyunSms

    data_dir = Path(tempfile.mkdtemp(prefix="doorstep-bench-notify-"))
    fake = FakeAliyunSms().start()
    original = fake._send

    def stamped(params: dict) -> dict:  # when each SMS reached the fake
        answer = original(params)
        if fake.accepted and "at" not in fake.accepted[-1]:
            fake.accepted[-1]["at"] = time.monotonic()
        return answer

    fake._send = stamped  # type: ignore[method-assign]
    templates = '{"event.reminder_24h": "SMS_100007"}'
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI", "DOORSTEP_"))}
    settings = dict(DOORSTEP_DATA_DIR=str(data_dir), DOORSTEP_DATABASE_URL=database_url, DOORSTEP_PORT=str(port),
                    DOORSTEP_HOST="127.0.0.1", DOORSTEP_SECRET_KEY="bench", DOORSTEP_TILE_URL="/static/tiles/blank.png",
                    DOORSTEP_SMS_PROVIDER="aliyun", DOORSTEP_ALIYUN_SMS_ENDPOINT=fake.endpoint,
                    DOORSTEP_ALIYUN_ACCESS_KEY_ID=ACCESS_KEY_ID, DOORSTEP_ALIYUN_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET,
                    DOORSTEP_ALIYUN_SMS_SIGN_NAME="幸福社区", DOORSTEP_ALIYUN_SMS_TEMPLATES=templates,
                    DOORSTEP_NOTIFY_QUIET_HOURS="00:00-00:00", DOORSTEP_SMS_DAILY_CAP="5")
    env.update(settings)
    t0 = time.perf_counter()
    prepare(settings)
    prepare_s = time.perf_counter() - t0
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-c", LAUNCH], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("server did not start")
        time.sleep(3)  # the scheduler's first wake: nothing due yet
        result = asyncio.run(measure(base, fake))
        time.sleep(2)
    finally:
        server.terminate()
        server.wait(20)
        log.close()
        fake.close()
    out_ids = Counter(a["out_id"] for a in fake.accepted)
    sent, not_sent, max_attempts = outbox_state()
    result.update(prepare_s=prepare_s, accepted=len(fake.accepted), duplicates=sum(n - 1 for n in out_ids.values()),
                  sent_rows=sent, not_sent_rows=not_sent, max_attempts=max_attempts, queries=query_times(),
                  server_errors=len(re.findall(r"Traceback|ERROR", (data_dir / "server.log").read_text())))
    return result


def report(name: str, r: dict) -> list[str]:
    b, d = r["baseline"], r["during"]
    return [
        f"| {name} | {r['queued']:,} in {r['scan_s']:.1f} s | {r['first_s']:.1f} s | **{r['handed_s']:.1f} s** "
        f"({r['accepted'] / max(r['handed_s'] - max(r['first_s'], 0), 0.001):.0f}/s) | **{r['duplicates']}** / "
        f"{r['sent_rows']:,} rows sent, {r['not_sent_rows']} not | "
        f"{pct(b, 50):.0f} / {pct(b, 95):.0f} ms ({len(b)}) | {pct(d, 50):.0f} / {pct(d, 95):.0f} ms ({len(d)}) | "
        f"{r['baseline_errors'] + r['during_errors']} / {r['server_errors']} |",
    ]


def main() -> None:
    write = "--write" in sys.argv
    postgres = sys.argv[sys.argv.index("--postgres") + 1] if "--postgres" in sys.argv else ""
    load_before = os.getloadavg()[0]
    started = datetime.now(UTC)
    runs = {"SQLite": run("")}
    print(report("SQLite", runs["SQLite"]), runs["SQLite"]["queries"], flush=True)  # in case the next run fails
    if postgres:
        import psycopg
        from sqlalchemy.engine import make_url

        base = make_url(postgres)
        name = f"doorstep_bench_notify_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(base.set(drivername="postgresql").render_as_string(hide_password=False),
                                autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            runs["PostgreSQL"] = run(base.set(database=name).render_as_string(hide_password=False))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    lines = [
        f"`python bench/notify.py{' --postgres URL' if postgres else ''}`, {started:%Y-%m-%d %H:%M} UTC, {cpu}, "
        f"{os.cpu_count()} cores shared with other work (load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after). {REMINDERS:,} volunteers confirmed for {EVENTS} events that move to "
        "start in 23 h 58 min: the reminder scan queues an SMS and an in-app notice for each; the app's own "
        "scheduler (woken every 5 s) sends the SMS through the Alibaba Cloud SDK to a local fake service.",
        "",
        "| database | queued by the scan | first SMS after | **all 10,000 handed over after** | **duplicates** | "
        "`/health` p50 / p95 before (n) | `/health` p50 / p95 while sending (n) | errors (HTTP / server log) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in runs.items():
        lines += report(name, r)
    lines += ["", "Outbox queries on the full table (20,000 rows), median of 5:", "",
              "| query | " + " | ".join(runs) + " |", "| --- |" + " ---: |" * len(runs)]
    for q in next(iter(runs.values()))["queries"]:
        lines.append(f"| {q} | " + " | ".join(f"{r['queries'][q]:.1f} ms" for r in runs.values()) + " |")
    text = "\n".join(lines)
    print(text)
    if write:
        path = ROOT / "docs" / "BENCHMARKS.md"
        doc = path.read_text()
        section = "## Notifications\n\n" + text + "\n"
        if "## Notifications" in doc:
            doc = re.sub(r"## Notifications\n.*?(?=\n## |\Z)", section.rstrip("\n") + "\n", doc, flags=re.S)
        else:
            doc = doc.rstrip("\n") + "\n\n" + section
        path.write_text(doc)


if __name__ == "__main__":
    main()
