"""Load: 200 members on loopback each sign in, open their home page and sync one visit.

Two configurations in one run: one instance on SQLite, and two instances on one PostgreSQL
database with NiceGUI's storage in Redis (members spread round-robin; each member stays on its
instance, as a sticky proxy would keep it). Each simulated member (async httpx + python-socketio,
no browser) does what a phone does, through the app's own mechanisms only:

1. sign in: GET /login (HTML), connect NiceGUI's socket with the page's client id, type the
   username and password into the page's inputs and click "Sign in" (socket events), receive the
   navigation to /login/finish?ticket=..., follow it (new session cookie);
2. open the home page: GET / (HTML) and connect its socket (the page is interactive then); the
   socket stays connected until every member is done, so RSS is measured with 200 open pages;
3. sync: POST /api/v1/session-token (the cookie -> bearer token, as pwa.js does), PUT one visit,
   PUT its one photo (a distinct 1600x1200 JPEG, as the offline page sends it).

Baseline in the same run: the same 200 clients each GET /health (one DB query) with the same
arrival pattern. Members arrive spread over --ramp seconds: 10 (20 a second) saturates two
cores; --ramp 60 shows the latencies of a server that keeps up.

Each member connects from its own loopback address (127.0.0.2-254, then 127.0.1.2-254, ...: Linux
routes all of 127.0.0.0/8 to the loopback), its HTTP and its socket connections alike, as phones
in the field come from different addresses: the production sign-in limit per address stays in
force. The report counts the distinct client addresses the servers have connections from.
Idle keep-alive connections are given up after KEEPALIVE_EXPIRY seconds, well before the server
closes them (DOORSTEP_KEEP_ALIVE_SECONDS; uvicorn's default would be 5 s): httpx does not resend
a request on a reused connection that the server closed meanwhile, as browsers do.

    python bench/load.py [--members 200] [--ramp 10] [--sign-in-concurrency 20] [--skip-pg] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import httpx
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.sync import make_photo, sha  # noqa: E402
from tests.e2e.live_app import running_app  # noqa: E402

PASSWORD = "load-bench-password-1"
SIGN_IN_CONCURRENCY = 20
KEEPALIVE_EXPIRY = 2.0  # seconds an idle client connection is kept for reuse: below the server's keep-alive
PG_SERVER = os.environ.get("DOORSTEP_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("DOORSTEP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
QUERY_RE = re.compile(r"query: (\{'client_id'.*?\}),")
ELEMENTS_RE = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)
TICKET_RE = re.compile(r"/login/finish\?ticket=[^\"'\s]+")
THROTTLED = "Too many sign-in attempts"
LOG_DIR = Path(tempfile.gettempdir()) / f"doorstep-load-logs-{os.getpid()}"  # the servers' logs, kept
PAGE_OPEN = "home page open (HTML + socket connected)"


# ---------------------------------------------------------------- data (run in a child process)

def seed(members: int) -> None:
    """Demo organisation plus ``members`` members, each paired with one household of their own.

    Runs in a child process with DOORSTEP_DATA_DIR / DOORSTEP_DATABASE_URL set, before the app
    starts (the app's DOORSTEP_DEMO seeding then finds the database filled and does nothing).
    """
    from sqlmodel import select

    import services.accounts.users as users
    from core.db import session_scope, upgrade_schema
    from models import Area, GeocodeStatus, Household, Pairing, Role
    from services.demo.organisation import seed_demo

    upgrade_schema()
    hashed = users.hash_password(PASSWORD)
    users.hash_password = lambda _password: hashed  # one argon2 hash for all; verifying costs the same
    with session_scope() as session:
        seed_demo(session)
        area = session.exec(select(Area).where(Area.kind == "community")).first()
        for i in range(members):
            member = users.create_user(session, None, users.UserForm(
                username=f"load{i:03d}", name=f"Load member {i}", phone=f"1360000{i:04d}", role=Role.member,
                area_id=area.id), PASSWORD, must_change=False)
            lat, lng = round(30.6465 + (i % 20) * 0.0004, 6), round(104.0870 + (i // 20) * 0.0004, 6)
            household = Household(area_id=area.id, head_name=f"Load household {i}", address=f"{i} Load Road",
                                  lat=lat, lng=lng, geocode_status=GeocodeStatus.manual)
            session.add(household)
            session.flush()
            session.add(Pairing(household_id=household.id, member_id=member.id))


def run_seed(members: int, env: dict[str, str]) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI"))}
    environment.update(env)
    subprocess.run([sys.executable, __file__, "--seed", str(members)], cwd=ROOT, env=environment, check=True)


# ---------------------------------------------------------------- one simulated member

class Stats:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.requests = 0

    def add(self, kind: str, seconds: float) -> None:
        self.times.setdefault(kind, []).append(seconds)


def member_address(index: int) -> str:
    """Member ``index``'s own loopback source address: 127.0.0.2-254, then 127.0.1.2-254, ..."""
    third, fourth = divmod(index, 253)
    return f"127.0.{third}.{fourth + 2}"


def http_client(base: str, address: str, **kwargs: object) -> httpx.AsyncClient:
    """An httpx client connecting from ``address``, dropping idle connections before the server does."""
    transport = httpx.AsyncHTTPTransport(local_address=address,
                                         limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY))
    return httpx.AsyncClient(base_url=base, transport=transport, follow_redirects=False, **kwargs)


class PageSocket:
    """A page's NiceGUI socket, connected from the member's own address."""

    def __init__(self, sio: socketio.AsyncClient, http: aiohttp.ClientSession, client_id: str) -> None:
        self.sio, self.http, self.client_id = sio, http, client_id

    @property
    def connected(self) -> bool:
        return self.sio.connected

    async def close(self) -> None:
        await self.sio.disconnect()
        await self.http.close()


def page_socket_query(html: str) -> dict[str, str]:
    query = json.loads(QUERY_RE.search(html).group(1).replace("'", '"').replace("True", "true")
                       .replace("False", "false"))
    return {"client_id": query["client_id"], "next_message_id": str(query["next_message_id"]),
            "implicit_handshake": "true", "document_id": str(uuid.uuid4()), "tab_id": str(uuid.uuid4())}


async def connect_socket(base: str, html: str, cookies: httpx.Cookies, address: str,
                         on_message: object = None) -> PageSocket:
    query = page_socket_query(html)
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)))
    sio = socketio.AsyncClient(reconnection=False, http_session=http)
    if on_message is not None:
        sio.on("*", on_message)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    url = base + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    try:
        await sio.connect(url, socketio_path="/_nicegui_ws/socket.io", transports=["websocket"],
                          headers={"Cookie": cookie}, wait_timeout=60)
    except BaseException:
        await http.close()
        raise
    return PageSocket(sio, http, query["client_id"])


def listener(elements: dict, predicate: object, event_type: str) -> tuple[int, str]:
    for element_id, element in elements.items():
        if predicate(element):
            for event in element.get("events", []):
                if event["type"] == event_type:
                    return int(element_id), event["listener_id"]
    raise LookupError(event_type)


async def sign_in(client: httpx.AsyncClient, base: str, username: str, address: str, stats: Stats) -> None:
    """Sign in through the real sign-in page: its inputs and button over NiceGUI's socket."""
    start = time.perf_counter()
    stats.requests += 1
    html = (await client.get("/login")).text
    elements = json.loads(ELEMENTS_RE.search(html).group(1))
    login_input = listener(elements, lambda e: e.get("props", {}).get("autocomplete") == "username", "update:value")
    password_input = listener(elements, lambda e: e.get("props", {}).get("type") == "password", "update:value")
    button = listener(elements, lambda e: e.get("tag") == "q-btn" and "w-full" in e.get("class", []), "click")
    ticket: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def on_message(event: str, data: object) -> None:
        text = json.dumps(data)
        found = TICKET_RE.search(text)
        if found and not ticket.done():
            ticket.set_result(found.group(0))
        elif THROTTLED in text and not ticket.done():
            ticket.set_exception(RuntimeError(f"refused by the per-address sign-in limit ({address})"))

    page = await connect_socket(base, html, client.cookies, address, on_message)
    try:
        for (element_id, listener_id), args in ((login_input, [username]), (password_input, [PASSWORD]),
                                                (button, [])):
            await page.sio.emit("event", {"id": element_id, "client_id": page.client_id,
                                          "listener_id": listener_id, "args": [json.dumps(a) for a in args]})
        finish = await asyncio.wait_for(ticket, 60)
    finally:
        await page.close()
    stats.requests += 1
    answer = await client.get(finish)
    if answer.status_code != 303 or answer.headers.get("location") != "/":
        raise RuntimeError(f"sign-in finish: {answer.status_code} {answer.headers.get('location')}")
    stats.add("sign-in (page, socket, password, finish)", time.perf_counter() - start)


async def timed(stats: Stats, kind: str, call: object, expect: int = 200) -> httpx.Response:
    start = time.perf_counter()
    stats.requests += 1
    response = await call
    stats.add(kind, time.perf_counter() - start)
    if response.status_code != expect:
        raise RuntimeError(f"{kind}: {response.status_code} {response.text[:200]}")
    return response


async def signed_in(base: str, index: int, stats: Stats, limit: asyncio.Semaphore) -> dict | None:
    """Sign member ``index`` in on ``base``; its session cookies (None on failure)."""
    address = member_address(index)
    async with limit, http_client(base, address, timeout=120) as client:
        try:
            await sign_in(client, base, f"load{index:03d}", address, stats)
        except Exception as exc:
            stats.errors.append(f"sign-in load{index:03d}: {exc!r}"[:300])
            return None
        return dict(client.cookies)


async def member(base: str, index: int, cookies: dict | None, household_id: int, photo: bytes, delay: float,
                 stats: Stats, opened: list[PageSocket], all_open: asyncio.Event,
                 sessions: list | None = None) -> None:
    await asyncio.sleep(delay)
    address = member_address(index)
    async with http_client(base, address, timeout=120, cookies=cookies) as client:
        try:
            if cookies is None:
                raise RuntimeError("not signed in")
            start = time.perf_counter()
            page = await timed(stats, "GET / (home page HTML)", client.get("/"))
            if "Load household" not in page.text:
                raise RuntimeError("home page without the member's household")
            socket = await connect_socket(base, page.text, client.cookies, address)
            stats.add(PAGE_OPEN, time.perf_counter() - start)
            opened.append(socket)
            if sessions is not None:
                sessions.append((base, index, dict(client.cookies)))
            token = (await timed(stats, "POST /api/v1/session-token", client.post("/api/v1/session-token"))).json()
            headers = {"Authorization": f"Bearer {token['token']}"}
            visit_id = str(uuid.uuid4())
            body = {"household_id": household_id, "visited_at": datetime.now(UTC).isoformat(),
                    "location_source": "gps", "lat": 30.6465, "lng": 104.0870, "accuracy_m": 12,
                    "notes": "load bench", "photo_consent": True, "photos": [sha(photo)]}
            receipt = (await timed(stats, "PUT /api/v1/visits/{id}",
                                   client.put(f"/api/v1/visits/{visit_id}", json=body, headers=headers))).json()
            if receipt["photos_missing"] != [sha(photo)]:
                raise RuntimeError(f"unexpected receipt {receipt}")
            await timed(stats, "PUT .../photos/{sha256}", client.put(
                f"/api/v1/visits/{visit_id}/photos/{sha(photo)}", content=photo,
                headers={**headers, "Content-Type": "image/jpeg"}))
        except Exception as exc:
            stats.errors.append(f"load{index:03d}: {exc!r}"[:300])
    await all_open.wait()  # keep the page open (socket connected) until every member is done


async def health(base: str, index: int, delay: float, stats: Stats) -> None:
    await asyncio.sleep(delay)
    async with http_client(base, member_address(index), timeout=60) as client:
        try:
            await timed(stats, "GET /health (baseline)", client.get("/health"))
        except Exception as exc:
            stats.errors.append(f"health: {exc!r}")


# ---------------------------------------------------------------- measuring the servers

def server_pids(bases: list[str]) -> dict[str, int]:
    """The `python app.py` children of this process, keyed by their base URL (from DOORSTEP_PORT)."""
    pids = {}
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            ppid = re.search(r"PPid:\s+(\d+)", status).group(1)
            env = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, AttributeError):
            continue
        if ppid != me:
            continue
        port = next((e.split(b"=", 1)[1].decode() for e in env if e.startswith(b"DOORSTEP_PORT=")), None)
        for base in bases:
            if port and base.endswith(f":{port}"):
                pids[base] = int(entry.name)
    return pids


def rss_mb(pid: int) -> float:
    found = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    if found is None:  # a zombie: the server has exited
        raise RuntimeError(f"server process {pid} has exited; its log is kept in {LOG_DIR}")
    return int(found.group(1)) / 1024


def client_addresses(pids: dict[str, int]) -> dict[str, set[str]]:
    """Per server: the remote addresses of its established TCP connections (/proc/net/tcp).

    Only the server process's own sockets (by inode) on its listening port: a client socket of
    another process can have the same port number as its ephemeral port.
    """
    found: dict[str, set[str]] = {}
    table = Path("/proc/net/tcp").read_text().splitlines()[1:]
    for base, pid in pids.items():
        port = int(base.rsplit(":", 1)[1])
        inodes = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        found[base] = set()
        for line in table:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if state == "01" and inode in inodes and int(local.split(":")[1], 16) == port:  # 01: ESTABLISHED
                found[base].add(".".join(str(b) for b in reversed(bytes.fromhex(remote.split(":")[0]))))
    return found


def pct(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


async def drive(bases: list[str], households: dict[str, int], members: int, ramp: float,
                sign_in_concurrency: int) -> dict:
    rng = random.Random(1)
    photos = [make_photo(rng) for _ in range(members)]
    delays = sorted(rng.uniform(0, ramp) for _ in range(members))
    pids = server_pids(bases)
    assert len(pids) == len(bases), f"server processes not found: {pids}"
    loads: list[float] = []  # the machine's 1-minute load average at the phases' ends
    # Warm-up: one extra member (not counted) does the whole flow on each instance, so imports,
    # caches and pools are in place before the "before" RSS is taken.
    warm, warm_pages = Stats(), []
    done = asyncio.Event()
    done.set()
    for base in bases:
        cookies = await signed_in(base, members, warm, asyncio.Semaphore(1))
        await member(base, members, cookies, households[f"load{members:03d}"], make_photo(rng), 0, warm, warm_pages,
                     done)
        await health(base, members, 0, warm)
    for s in warm_pages:
        await s.close()
    assert not warm.errors, warm.errors
    await asyncio.sleep(5)  # the warm-up's pages are closed; NiceGUI drops them after reconnect_timeout
    rss_before = {b: rss_mb(p) for b, p in pids.items()}
    loads.append(os.getloadavg()[0])

    baseline = Stats()
    start = time.perf_counter()
    await asyncio.gather(*(health(bases[i % len(bases)], i, delays[i], baseline) for i in range(members)))
    baseline_wall = time.perf_counter() - start

    # Sign-in, before the measured phase: argon2 (about 0.45 s of CPU per check here) makes it
    # the most expensive request by far; at most sign_in_concurrency at once.
    sign_ins = Stats()
    limit = asyncio.Semaphore(sign_in_concurrency)
    start = time.perf_counter()
    jars = await asyncio.gather(*(signed_in(bases[i % len(bases)], i, sign_ins, limit) for i in range(members)))
    sign_in_wall = time.perf_counter() - start
    await asyncio.sleep(2)
    rss_signed_in = {b: rss_mb(p) for b, p in pids.items()}
    loads.append(os.getloadavg()[0])

    stats = Stats()
    opened: list[PageSocket] = []
    sessions: list[tuple[str, int, dict]] = []
    all_open = asyncio.Event()
    start = time.perf_counter()
    tasks = [asyncio.create_task(member(bases[i % len(bases)], i, jars[i], households[f"load{i:03d}"], photos[i],
                                        delays[i], stats, opened, all_open, sessions)) for i in range(members)]
    while sum(len(v) for k, v in stats.times.items() if k.startswith("PUT ...")) + len(stats.errors) < members:
        await asyncio.sleep(0.2)
    wall = time.perf_counter() - start
    await asyncio.sleep(2)
    connected = sum(1 for s in opened if s.connected)
    rss_open = {b: rss_mb(p) for b, p in pids.items()}
    loads.append(os.getloadavg()[0])
    addresses = client_addresses(pids)  # what the servers see, with every member's page open
    all_open.set()
    await asyncio.gather(*tasks)
    for s in opened:
        await s.close()

    # Memory per open page, apart from the sign-in and photo work: the same members open their
    # home page once more (HTML + socket) and keep it open; nothing else happens meanwhile.
    await asyncio.sleep(2)
    rss_idle = {b: rss_mb(p) for b, p in pids.items()}
    reopened: list[PageSocket] = []

    async def reopen(base: str, index: int, cookies: dict) -> None:
        address = member_address(index)
        async with http_client(base, address, cookies=cookies, timeout=120) as client:
            page = await client.get("/")
            reopened.append(await connect_socket(base, page.text, client.cookies, address))

    await asyncio.gather(*(reopen(b, i, c) for b, i, c in sessions))
    await asyncio.sleep(2)
    reconnected = sum(1 for s in reopened if s.connected)
    rss_reopened = {b: rss_mb(p) for b, p in pids.items()}
    for s in reopened:
        await s.close()
    return {"addresses": addresses, "loads": loads, "sign_in_concurrency": sign_in_concurrency, "sign_ins": sign_ins,
            "sign_in_wall": sign_in_wall, "rss_signed_in": rss_signed_in,
            "rss_idle": rss_idle, "rss_reopened": rss_reopened, "reconnected": reconnected,
            "baseline": baseline, "baseline_wall": baseline_wall, "stats": stats, "wall": wall,
            "connected": connected, "rss_before": rss_before, "rss_open": rss_open}


def household_ids(env: dict[str, str]) -> dict[str, int]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI"))}
    environment.update(env)
    out = subprocess.run([sys.executable, __file__, "--households"], cwd=ROOT, env=environment, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_households() -> None:
    from sqlmodel import select

    from core.db import session_scope
    from models import Pairing, User

    with session_scope(read_only=True) as session:
        rows = session.exec(select(User.username, Pairing.household_id).join(Pairing, Pairing.member_id == User.id)
                            .where(User.username.startswith("load"))).all()
    print(json.dumps({u: h for u, h in rows}))


# ---------------------------------------------------------------- the two configurations

def keep_logs(folder: Path, kept: list[Path]) -> None:
    """Copy the servers' logs out of the run's temporary folder into LOG_DIR (added to ``kept``)."""
    for log in folder.glob("app-*.log"):
        kept.append(Path(shutil.copy(log, LOG_DIR / log.name)))


def sqlite_run(members: int, ramp: float, sign_in_concurrency: int) -> dict:
    logs: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="doorstep-load-") as tmp:
        try:
            env = {"DOORSTEP_DATA_DIR": str(Path(tmp) / "data")}
            Path(env["DOORSTEP_DATA_DIR"]).mkdir()
            run_seed(members + 1, env)
            households = household_ids(env)
            with running_app(Path(env["DOORSTEP_DATA_DIR"])) as base:
                result = asyncio.run(drive([base], households, members, ramp, sign_in_concurrency))
        finally:
            keep_logs(Path(tmp), logs)
    result["server_errors"] = server_errors(logs)
    return result


def postgres_run(members: int, ramp: float, sign_in_concurrency: int) -> dict:
    import redis
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    name = f"doorstep_load_{uuid.uuid4().hex[:8]}"
    prefix = f"doorstep-load-{uuid.uuid4().hex[:8]}:"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    logs: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="doorstep-load-") as tmp, ExitStack() as stack:
            stack.callback(keep_logs, Path(tmp), logs)  # after the servers have stopped
            shared = {"DOORSTEP_DATABASE_URL": url, "NICEGUI_REDIS_URL": REDIS_URL,
                      "NICEGUI_REDIS_KEY_PREFIX": prefix, "DOORSTEP_SECRET_KEY": "load-bench-shared-secret"}
            for n in ("one", "two"):
                (Path(tmp) / n).mkdir()
            run_seed(members + 1, {**shared, "DOORSTEP_DATA_DIR": str(Path(tmp) / "one")})
            households = household_ids({**shared, "DOORSTEP_DATA_DIR": str(Path(tmp) / "one")})
            one = stack.enter_context(running_app(Path(tmp) / "one", **shared))
            two = stack.enter_context(running_app(Path(tmp) / "two", **{**shared, "DOORSTEP_DEMO": "0"}))
            result = asyncio.run(drive([one, two], households, members, ramp, sign_in_concurrency))
        result["server_errors"] = server_errors(logs)
        return result
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        r = redis.Redis.from_url(REDIS_URL)
        keys = list(r.scan_iter(prefix + "*"))
        if keys:
            r.delete(*keys)


def server_errors(logs: list[Path]) -> list[str]:
    """Error lines (and the line after each) from the app logs that running_app wrote."""
    found = []
    for log in logs:
        lines = log.read_text(errors="replace").splitlines()
        found += [f"{log.name}: {line}" for n, line in enumerate(lines)
                  if "ERROR" in line or "Error:" in line or (n and "ERROR" in lines[n - 1])]
    return found


def report(title: str, result: dict, members: int) -> None:
    stats, baseline, sign_ins = result["stats"], result["baseline"], result["sign_ins"]
    server_log = result.get("server_errors", [])
    errors = len(sign_ins.errors) + len(stats.errors) + len(baseline.errors) + len(server_log)
    measured = [v for kind, values in stats.times.items() if kind != PAGE_OPEN for v in values]  # HTTP only
    print(f"\n### {title}\n")
    print("- load average (1 min) after the warm-up, the sign-ins and the measured phase: "
          + ", ".join(f"{load:.1f}" for load in result["loads"]))
    for base, seen in result["addresses"].items():
        ordered = sorted(seen, key=ipaddress.ip_address) or ["-"]
        print(f"- server {base} had connections from {len(seen)} distinct client addresses with every page open "
              f"({ordered[0]} ... {ordered[-1]})")
    ok = len(sign_ins.times.get("sign-in (page, socket, password, finish)", []))
    print(f"- sign-in first (not in the measured phase; at most {result['sign_in_concurrency']} at once): "
          f"{ok} of {members} in {result['sign_in_wall']:.1f} s = {ok / result['sign_in_wall']:.1f} sign-ins/s, "
          f"errors: {len(sign_ins.errors)}")
    print(f"- measured phase: members: {members}; requests: {stats.requests} in {result['wall']:.1f} s "
          f"= {stats.requests / result['wall']:.1f} requests/s (home page, token, visit, photo; "
          f"socket connects not counted as requests); errors: {len(stats.errors)}")
    print(f"- baseline GET /health: {baseline.requests} requests in {result['baseline_wall']:.1f} s, "
          f"errors: {len(baseline.errors)}")
    print(f"- home pages open (socket connected) at the end: {result['connected']}")
    for base in result["rss_before"]:
        before, opened = result["rss_before"][base], result["rss_open"][base]
        share = result["connected"] / len(result["rss_before"])
        signed = result["rss_signed_in"][base]
        print(f"- server {base}: RSS {before:.0f} MB before, {signed:.0f} MB after the sign-ins, "
              f"{opened:.0f} MB with ~{share:.0f} home pages open "
              f"(+{opened - before:.0f} MB, {(opened - before) * 1024 / max(share, 1):.0f} KB per open page)")
    print("\n| request | n | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind, values in [*baseline.times.items(), *sign_ins.times.items(), *stats.times.items()]:
        print(f"| {kind} | {len(values)} | {pct(values, 50):,.0f} | {pct(values, 95):,.0f} | "
              f"{max(values) * 1000:,.0f} |")
    print(f"- second opening of the same {result['reconnected']} home pages (HTML + socket, kept open, nothing "
          "else running):")
    per_client = []
    for base in result["rss_idle"]:
        idle, reopened = result["rss_idle"][base], result["rss_reopened"][base]
        share = result["reconnected"] / len(result["rss_idle"])
        per_client.append((reopened - idle) * 1024 / max(share, 1))
        print(f"  - server {base}: RSS {idle:.0f} MB -> {reopened:.0f} MB ({per_client[-1]:.0f} KB per open page)")
    for error in (baseline.errors + sign_ins.errors + stats.errors)[:10]:
        print("error:", error)
    for line in server_log[:20]:
        print("server log:", line[:300])
    print(f"\n**Summary, {title}**: {members} members; measured phase "
          f"{stats.requests / result['wall']:.1f} requests/s; p95 latency "
          f"{pct(measured, 95) if measured else float('nan'):,.0f} ms over its HTTP requests, "
          f"home page open (HTML + socket) p95 {pct(stats.times.get(PAGE_OPEN, [0.0]), 95):,.0f} ms; "
          f"errors: {errors} (sign-in {len(sign_ins.errors)}, measured {len(stats.errors)}, "
          f"baseline {len(baseline.errors)}, server log lines {len(server_log)}); server memory per connected client "
          + " / ".join(f"{kb:.0f} KB" for kb in per_client))


def git_revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="members arrive spread over this many seconds (10 saturates 2 cores; try 60)")
    parser.add_argument("--sign-in-concurrency", type=int, default=SIGN_IN_CONCURRENCY,
                        help="at most this many sign-ins at once in the sign-in phase")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--households", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        return seed(args.seed)
    if args.households:
        return print_households()
    LOG_DIR.mkdir()
    from importlib.metadata import version

    from core.config import Settings

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text()).group(1)) / 1024 ** 2
    defaults = Settings.model_fields
    print(f"Machine: {cpu}, nproc {len(os.sched_getaffinity(0))}, {memory:.1f} GiB RAM; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average before: {os.getloadavg()[0]:.2f}; "
          f"Python {platform.python_version()}, NiceGUI {version('nicegui')}, uvicorn {version('uvicorn')}; "
          f"app: {ROOT} at {git_revision()}")
    print(f"Arrivals: {args.members} members over {args.ramp:g} s ({args.members / args.ramp:.1f}/s); "
          f"each from its own loopback address ({member_address(0)} ... {member_address(args.members - 1)}); "
          f"server settings as in production: sign-in limit "
          f"{defaults['sign_in_attempts_per_address'].default} per address per 10 min, keep-alive "
          f"{defaults['keep_alive_seconds'].default} s; client keep-alive expiry {KEEPALIVE_EXPIRY:g} s")
    if not args.skip_sqlite:
        report("One instance, SQLite", sqlite_run(args.members, args.ramp, args.sign_in_concurrency), args.members)
    if not args.skip_pg:
        report("Two instances, PostgreSQL + Redis", postgres_run(args.members, args.ramp, args.sign_in_concurrency),
               args.members)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; the servers' logs: {LOG_DIR}")


if __name__ == "__main__":
    main()
