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

Event-loop lag: each server runs under bench/lag_server.py, which starts the checkout's own app.py
with a task on the server's event loop that sleeps 10 ms again and again and records how late it
woke. The report gives the lag per phase (idle after the warm-up, the /health baseline, the
sign-ins, the measured phase, the second opening): p50, p99, max, and the sum of all lateness as a
share of the phase. Nothing bench-only is in the app, so --app-dir can point at any checkout (one
from before the sampler existed, too); the seeding runs against that checkout's own modules.

    python bench/load.py [--members 200] [--ramp 10] [--sign-in-concurrency 20] [--skip-pg] [--skip-sqlite]
                         [--app-dir DIR] [--json FILE]

Before/after on the same machine, back to back, each configuration run for both checkouts in turn
(the order alternates between rounds), then a table of the key figures with after/before ratios:

    python bench/load.py --compare BEFORE_DIR [--app-dir AFTER_DIR] [--rounds 2] [other options]
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
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import httpx
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.lag_server import read_gc_pauses, read_samples, running_server  # noqa: E402
from bench.sync import make_photo, sha  # noqa: E402

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
IDLE, BASELINE, SIGN_INS, MEASURED, REOPEN = ("idle, 5 s after the warm-up", "baseline GET /health", "sign-ins",
                                              "measured phase", "second opening of the home pages")


# ---------------------------------------------------------------- data (run in a child process)

def seed(members: int) -> None:
    """Demo organisation plus ``members`` members, each paired with one household of their own.

    Runs in a child process with DOORSTEP_DATA_DIR / DOORSTEP_DATABASE_URL set, before the app
    starts (the app's DOORSTEP_DEMO seeding then finds the database filled and does nothing).
    """
    import importlib

    from sqlmodel import select

    from core.db import session_scope, upgrade_schema
    from models import Area, GeocodeStatus, Household, Pairing, Role

    # The checkout under test may predate services/ being grouped by feature.
    try:
        users = importlib.import_module("services.accounts.users")
        seed_demo = importlib.import_module("services.demo.organisation").seed_demo
    except ModuleNotFoundError:  # the flat layout (names joined so that no move rewrites them)
        users = importlib.import_module(".".join(("services", "users")))
        seed_demo = importlib.import_module(".".join(("services", "demo"))).seed_demo

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


def use_app_dir(app_dir: Path) -> None:
    """Import the app (core, models, services) from ``app_dir``: first on sys.path, this repository off it.

    For the child processes that seed the database and read it back: they work with the checkout
    under test, whose modules and schema may differ from this repository's.
    """
    own = {ROOT, ROOT / "bench", app_dir.resolve()}
    sys.path[:] = [str(app_dir.resolve())] + [p for p in sys.path if Path(p or ".").resolve() not in own]


def child_environment(env: dict[str, str]) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI"))}
    environment.update(env)
    return environment


def run_seed(app_dir: Path, members: int, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, __file__, "--seed", str(members), "--app-dir", str(app_dir)], cwd=app_dir,
                   env=child_environment(env), check=True)


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


@contextmanager
def phase(windows: dict[str, tuple[float, float]], name: str) -> Iterator[None]:
    """Note the phase's start and end on CLOCK_MONOTONIC, the clock the servers' lag samples carry."""
    start = time.monotonic()
    try:
        yield
    finally:
        windows[name] = (start, time.monotonic())


def seconds(window: tuple[float, float]) -> float:
    return window[1] - window[0]


async def warm_up(bases: list[str], households: dict[str, int], members: int, rng: random.Random) -> None:
    """One extra member (not counted) does the whole flow on each instance, so imports, caches and
    pools are in place before the "before" RSS is taken."""
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


async def measured_phase(bases: list[str], households: dict[str, int], jars: list[dict | None], photos: list[bytes],
                         delays: list[float], pids: dict[str, int], result: dict) -> list[tuple[str, int, dict]]:
    """Every signed-in member opens the home page and syncs a visit and its photo; the pages stay open
    until all are done (RSS and client addresses are taken then). The members' sessions, for reopening."""
    members = len(jars)
    stats = Stats()
    opened: list[PageSocket] = []
    sessions: list[tuple[str, int, dict]] = []
    all_open = asyncio.Event()
    with phase(result["windows"], MEASURED):
        tasks = [asyncio.create_task(member(bases[i % len(bases)], i, jars[i], households[f"load{i:03d}"], photos[i],
                                            delays[i], stats, opened, all_open, sessions)) for i in range(members)]
        while sum(len(v) for k, v in stats.times.items() if k.startswith("PUT ...")) + len(stats.errors) < members:
            await asyncio.sleep(0.2)
    await asyncio.sleep(2)
    result.update(stats=stats, wall=seconds(result["windows"][MEASURED]), connected=sum(1 for s in opened
                                                                                        if s.connected))
    result["rss_open"] = {b: rss_mb(p) for b, p in pids.items()}
    result["loads"].append(os.getloadavg()[0])
    result["addresses"] = client_addresses(pids)  # what the servers see, with every member's page open
    all_open.set()
    await asyncio.gather(*tasks)
    for s in opened:
        await s.close()
    return sessions


async def second_opening(sessions: list[tuple[str, int, dict]], pids: dict[str, int], result: dict) -> None:
    """Memory per open page, apart from the sign-in and photo work: the same members open their home
    page once more (HTML + socket) and keep it open; nothing else happens meanwhile."""
    await asyncio.sleep(2)
    result["rss_idle"] = {b: rss_mb(p) for b, p in pids.items()}
    reopened: list[PageSocket] = []

    async def reopen(base: str, index: int, cookies: dict) -> None:
        address = member_address(index)
        async with http_client(base, address, cookies=cookies, timeout=120) as client:
            page = await client.get("/")
            reopened.append(await connect_socket(base, page.text, client.cookies, address))

    with phase(result["windows"], REOPEN):
        await asyncio.gather(*(reopen(b, i, c) for b, i, c in sessions))
    await asyncio.sleep(2)
    result["reconnected"] = sum(1 for s in reopened if s.connected)
    result["rss_reopened"] = {b: rss_mb(p) for b, p in pids.items()}
    for s in reopened:
        await s.close()


async def drive(bases: list[str], households: dict[str, int], members: int, ramp: float,
                sign_in_concurrency: int) -> dict:
    rng = random.Random(1)
    photos = [make_photo(rng) for _ in range(members)]
    delays = sorted(rng.uniform(0, ramp) for _ in range(members))
    pids = server_pids(bases)
    assert len(pids) == len(bases), f"server processes not found: {pids}"
    # loads: the machine's 1-minute load average at the phases' ends; windows: each phase's (start, end)
    result: dict = {"loads": [], "windows": {}, "sign_in_concurrency": sign_in_concurrency}
    windows = result["windows"]
    await warm_up(bases, households, members, rng)
    with phase(windows, IDLE):
        await asyncio.sleep(5)  # the warm-up's pages are closed; NiceGUI drops them after reconnect_timeout
    result["rss_before"] = {b: rss_mb(p) for b, p in pids.items()}
    result["loads"].append(os.getloadavg()[0])

    baseline = Stats()
    with phase(windows, BASELINE):
        await asyncio.gather(*(health(bases[i % len(bases)], i, delays[i], baseline) for i in range(members)))
    result.update(baseline=baseline, baseline_wall=seconds(windows[BASELINE]))

    # Sign-in, before the measured phase: argon2 (about 0.45 s of CPU per check here) makes it
    # the most expensive request by far; at most sign_in_concurrency at once.
    sign_ins = Stats()
    limit = asyncio.Semaphore(sign_in_concurrency)
    with phase(windows, SIGN_INS):
        jars = await asyncio.gather(*(signed_in(bases[i % len(bases)], i, sign_ins, limit) for i in range(members)))
    result.update(sign_ins=sign_ins, sign_in_wall=seconds(windows[SIGN_INS]))
    await asyncio.sleep(2)
    result["rss_signed_in"] = {b: rss_mb(p) for b, p in pids.items()}
    result["loads"].append(os.getloadavg()[0])

    sessions = await measured_phase(bases, households, jars, photos, delays, pids, result)
    await second_opening(sessions, pids, result)
    return result


def app_facts(app_dir: Path, env: dict[str, str]) -> dict:
    """From the checkout under test (a child process): each load member's household, and its settings."""
    out = subprocess.run([sys.executable, __file__, "--households", "--app-dir", str(app_dir)], cwd=app_dir,
                         env=child_environment(env), check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_app_facts() -> None:
    from sqlmodel import select

    from core.config import Settings
    from core.db import session_scope
    from models import Pairing, User

    with session_scope(read_only=True) as session:
        rows = session.exec(select(User.username, Pairing.household_id).join(Pairing, Pairing.member_id == User.id)
                            .where(User.username.startswith("load"))).all()
    defaults = Settings.model_fields
    settings = {name: defaults[name].default for name in ("sign_in_attempts_per_address", "keep_alive_seconds")
                if name in defaults}
    print(json.dumps({"households": {u: h for u, h in rows}, "settings": settings}))


# ---------------------------------------------------------------- the two configurations

def keep_logs(folder: Path, kept: list[Path]) -> None:
    """Copy the servers' logs out of the run's temporary folder into LOG_DIR (added to ``kept``)."""
    for log in folder.glob("app-*.log"):
        kept.append(Path(shutil.copy(log, LOG_DIR / log.name)))


def sqlite_run(app_dir: Path, members: int, ramp: float, sign_in_concurrency: int) -> dict:
    logs: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="doorstep-load-") as tmp:
        try:
            env = {"DOORSTEP_DATA_DIR": str(Path(tmp) / "data")}
            Path(env["DOORSTEP_DATA_DIR"]).mkdir()
            run_seed(app_dir, members + 1, env)
            facts = app_facts(app_dir, env)
            samples = Path(tmp) / "lag.txt"
            with running_server(app_dir, Path(env["DOORSTEP_DATA_DIR"]), samples) as base:
                result = asyncio.run(drive([base], facts["households"], members, ramp, sign_in_concurrency))
            result["lag_samples"] = {base: read_samples(samples)}  # complete once the server has stopped
            result["gc_pauses"] = {base: read_gc_pauses(samples)}
        finally:
            keep_logs(Path(tmp), logs)
    result["server_errors"] = server_errors(logs)
    result["settings"] = facts["settings"]
    return result


def postgres_run(app_dir: Path, members: int, ramp: float, sign_in_concurrency: int) -> dict:
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
        with tempfile.TemporaryDirectory(prefix="doorstep-load-") as tmp:
            shared = {"DOORSTEP_DATABASE_URL": url, "NICEGUI_REDIS_URL": REDIS_URL,
                      "NICEGUI_REDIS_KEY_PREFIX": prefix, "DOORSTEP_SECRET_KEY": "load-bench-shared-secret"}
            for n in ("one", "two"):
                (Path(tmp) / n).mkdir()
            run_seed(app_dir, members + 1, {**shared, "DOORSTEP_DATA_DIR": str(Path(tmp) / "one")})
            facts = app_facts(app_dir, {**shared, "DOORSTEP_DATA_DIR": str(Path(tmp) / "one")})
            samples = {}
            with ExitStack() as stack:
                stack.callback(keep_logs, Path(tmp), logs)  # after the servers have stopped
                one = stack.enter_context(running_server(app_dir, Path(tmp) / "one", Path(tmp) / "lag-one.txt",
                                                         **shared))
                two = stack.enter_context(running_server(app_dir, Path(tmp) / "two", Path(tmp) / "lag-two.txt",
                                                         **{**shared, "DOORSTEP_DEMO": "0"}))
                samples = {one: Path(tmp) / "lag-one.txt", two: Path(tmp) / "lag-two.txt"}
                result = asyncio.run(drive([one, two], facts["households"], members, ramp, sign_in_concurrency))
            result["lag_samples"] = {base: read_samples(path) for base, path in samples.items()}
            result["gc_pauses"] = {base: read_gc_pauses(path) for base, path in samples.items()}
        result["server_errors"] = server_errors(logs)
        result["settings"] = facts["settings"]
        return result
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        r = redis.Redis.from_url(REDIS_URL)
        keys = list(r.scan_iter(prefix + "*"))
        if keys:
            r.delete(*keys)


CONFIGURATIONS = {"sqlite": ("One instance, SQLite", sqlite_run),
                  "pg": ("Two instances, PostgreSQL + Redis", postgres_run)}


def server_errors(logs: list[Path]) -> list[str]:
    """Error lines (and the line after each) from the app logs that running_server wrote."""
    found = []
    for log in logs:
        lines = log.read_text(errors="replace").splitlines()
        found += [f"{log.name}: {line}" for n, line in enumerate(lines)
                  if "ERROR" in line or "Error:" in line or (n and "ERROR" in lines[n - 1])]
    return found


# ---------------------------------------------------------------- reporting

def lag_figures(samples: list[tuple[float, float]], window: tuple[float, float],
                servers: int = 1) -> dict[str, float] | None:
    """The lag samples taken during ``window``: how many, p50 / p99 / max in ms, and the summed
    lateness as a share of the window (about the share of time a ready timer had to wait; averaged
    over ``servers`` when the samples of several are pooled)."""
    lags = [lag for at, lag in samples if window[0] <= at <= window[1]]
    if not lags:
        return None
    return {"n": len(lags), "p50": pct(lags, 50), "p99": pct(lags, 99), "max": max(lags) * 1000,
            "late_share": sum(lags) / max(seconds(window), 1e-9) / servers}


def gc_figures(pauses: list[tuple[float, int, float]], window: tuple[float, float]) -> str:
    """The collections of 1 ms or more in ``window``: how many, their total and the longest, in ms."""
    took = [seconds * 1000 for at, _generation, seconds in pauses if window[0] <= at <= window[1]]
    return f"{len(took)} / {sum(took):,.0f} / {max(took):,.0f}" if took else "0 / 0 / 0"


def report_lag(result: dict) -> None:
    print("\n| event-loop lag (10 ms sampler) | phase s | samples | p50 ms | p99 ms | max ms | lateness / phase "
          "| GC pauses ≥ 1 ms: n / total ms / max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    many = len(result["lag_samples"]) > 1
    for base, samples in result["lag_samples"].items():
        pauses = result.get("gc_pauses", {}).get(base, [])
        for name, window in result["windows"].items():
            found = lag_figures(samples, window)
            label = f"{name}, {base}" if many else name
            if found is None:
                print(f"| {label} | {seconds(window):.1f} | 0 | - | - | - | - | - |")
                continue
            print(f"| {label} | {seconds(window):.1f} | {found['n']} | {found['p50']:,.1f} | {found['p99']:,.1f} | "
                  f"{found['max']:,.0f} | {found['late_share']:.0%} | {gc_figures(pauses, window)} |")


def lag_summary(result: dict) -> str:
    parts = []
    for samples in result["lag_samples"].values():
        found = lag_figures(samples, result["windows"][MEASURED])
        parts.append("no samples" if found is None else f"p99 {found['p99']:,.0f} ms, max {found['max']:,.0f} ms")
    return "event-loop lag in the measured phase " + " / ".join(parts)


def report(title: str, result: dict, members: int, app_dir: Path) -> None:
    stats, baseline, sign_ins = result["stats"], result["baseline"], result["sign_ins"]
    server_log = result.get("server_errors", [])
    errors = len(sign_ins.errors) + len(stats.errors) + len(baseline.errors) + len(server_log)
    measured = [v for kind, values in stats.times.items() if kind != PAGE_OPEN for v in values]  # HTTP only
    settings = result["settings"]
    print(f"\n### {title}\n")
    print(f"- app: {app_dir} at {git_revision(app_dir)}; its settings, as in production: sign-in limit "
          f"{settings.get('sign_in_attempts_per_address', '?')} per address per 10 min, keep-alive "
          f"{settings.get('keep_alive_seconds', '?')} s")
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
    report_memory(result)
    print("\n| request | n | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind, values in [*baseline.times.items(), *sign_ins.times.items(), *stats.times.items()]:
        print(f"| {kind} | {len(values)} | {pct(values, 50):,.0f} | {pct(values, 95):,.0f} | "
              f"{max(values) * 1000:,.0f} |")
    report_lag(result)
    print(f"\n- second opening of the same {result['reconnected']} home pages (HTML + socket, kept open, nothing "
          "else running):")
    per_client = report_second_opening(result)
    for error in (baseline.errors + sign_ins.errors + stats.errors)[:10]:
        print("error:", error)
    for line in server_log[:20]:
        print("server log:", line[:300])
    print(f"\n**Summary, {title}**: {members} members; measured phase "
          f"{stats.requests / result['wall']:.1f} requests/s; p95 latency "
          f"{pct(measured, 95) if measured else float('nan'):,.0f} ms over its HTTP requests, "
          f"home page open (HTML + socket) p95 {pct(stats.times.get(PAGE_OPEN, [0.0]), 95):,.0f} ms; "
          f"{lag_summary(result)}; "
          f"errors: {errors} (sign-in {len(sign_ins.errors)}, measured {len(stats.errors)}, "
          f"baseline {len(baseline.errors)}, server log lines {len(server_log)}); server memory per connected client "
          + " / ".join(f"{kb:.0f} KB" for kb in per_client))


def report_memory(result: dict) -> None:
    for base in result["rss_before"]:
        before, opened = result["rss_before"][base], result["rss_open"][base]
        share = result["connected"] / len(result["rss_before"])
        signed = result["rss_signed_in"][base]
        print(f"- server {base}: RSS {before:.0f} MB before, {signed:.0f} MB after the sign-ins, "
              f"{opened:.0f} MB with ~{share:.0f} home pages open "
              f"(+{opened - before:.0f} MB, {(opened - before) * 1024 / max(share, 1):.0f} KB per open page)")


def report_second_opening(result: dict) -> list[float]:
    """Print each server's RSS before and after the second opening; the KB per open page of each."""
    per_client = []
    for base in result["rss_idle"]:
        idle, reopened = result["rss_idle"][base], result["rss_reopened"][base]
        share = result["reconnected"] / len(result["rss_idle"])
        per_client.append((reopened - idle) * 1024 / max(share, 1))
        print(f"  - server {base}: RSS {idle:.0f} MB -> {reopened:.0f} MB ({per_client[-1]:.0f} KB per open page)")
    return per_client


# ---------------------------------------------------------------- key figures, before / after

# (figure, higher is better): the figures the comparison table shows, in this order
FIGURES = [("measured phase, requests/s", True), ("home page open (HTML + socket) p50 ms", False),
           ("home page open (HTML + socket) p95 ms", False), ("GET / (home page HTML) p95 ms", False),
           ("POST /api/v1/session-token p95 ms", False), ("PUT /api/v1/visits/{id} p95 ms", False),
           ("PUT .../photos/{sha256} p95 ms", False), ("p95 over measured-phase HTTP requests ms", False),
           ("GET /health (baseline) p95 ms", False), ("sign-in p95 ms", False),
           ("loop lag, idle: p99 ms", False), ("loop lag, sign-ins: p99 ms", False),
           ("loop lag, measured phase: p50 ms", False), ("loop lag, measured phase: p99 ms", False),
           ("loop lag, measured phase: max ms", False), ("loop lag, measured phase: lateness / phase %", False),
           ("errors", False)]


def figures(result: dict) -> dict[str, float]:
    """The run's key figures (FIGURES); lag pooled over the servers."""
    stats, nan = result["stats"], float("nan")

    def p(times: dict[str, list[float]], kind: str, q: int) -> float:
        return pct(times[kind], q) if times.get(kind) else nan

    def lag(name: str, key: str) -> float:
        pooled = [s for samples in result["lag_samples"].values() for s in samples]
        found = lag_figures(pooled, result["windows"][name], servers=len(result["lag_samples"]))
        return nan if found is None else found[key] * (100 if key == "late_share" else 1)

    measured = [v for kind, values in stats.times.items() if kind != PAGE_OPEN for v in values]
    errors = (len(result["sign_ins"].errors) + len(stats.errors) + len(result["baseline"].errors)
              + len(result.get("server_errors", [])))
    values = [stats.requests / result["wall"], p(stats.times, PAGE_OPEN, 50), p(stats.times, PAGE_OPEN, 95),
              p(stats.times, "GET / (home page HTML)", 95), p(stats.times, "POST /api/v1/session-token", 95),
              p(stats.times, "PUT /api/v1/visits/{id}", 95), p(stats.times, "PUT .../photos/{sha256}", 95),
              pct(measured, 95) if measured else nan, p(result["baseline"].times, "GET /health (baseline)", 95),
              p(result["sign_ins"].times, "sign-in (page, socket, password, finish)", 95),
              lag(IDLE, "p99"), lag(SIGN_INS, "p99"), lag(MEASURED, "p50"), lag(MEASURED, "p99"),
              lag(MEASURED, "max"), lag(MEASURED, "late_share"), errors]
    return {name: value for (name, _), value in zip(FIGURES, values, strict=True)}


def cell(values: list[float]) -> str:
    """The median of the rounds, and each round's value when there are several."""
    def number(value: float) -> str:
        return f"{value:,.1f}" if abs(value) < 100 and not float(value).is_integer() else f"{value:,.0f}"

    text = number(statistics.median(values))
    if len(values) > 1:
        text += " (" + ", ".join(number(v) for v in values) + ")"
    return text


def print_comparison(title: str, before: list[dict[str, float]], after: list[dict[str, float]],
                     revisions: tuple[str, str]) -> None:
    rounds = f"median of {len(before)} rounds (each round's value)" if len(before) > 1 else "one round"
    print(f"\n### Before / after, {title}: {rounds}\n")
    print(f"| figure | before ({revisions[0]}) | after ({revisions[1]}) | after / before |")
    print("| --- | ---: | ---: | ---: |")
    for name, higher_is_better in FIGURES:
        b, a = [r[name] for r in before], [r[name] for r in after]
        mb, ma = statistics.median(b), statistics.median(a)
        ratio = f"{ma / mb:.2f}" if mb and mb == mb and ma == ma else "-"  # x == x: not NaN
        better = " (higher is better)" if higher_is_better else ""
        print(f"| {name}{better} | {cell(b)} | {cell(a)} | {ratio} |")


# ---------------------------------------------------------------- running it

def git_revision(app_dir: Path) -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=app_dir, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=app_dir,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def run_configuration(configuration: str, app_dir: Path, args: argparse.Namespace, label: str = "") -> dict:
    """Run one configuration against ``app_dir``, print its report; a record of its key figures."""
    title, run = CONFIGURATIONS[configuration]
    result = run(app_dir, args.members, args.ramp, args.sign_in_concurrency)
    report(title + label, result, args.members, app_dir)
    return {"configuration": title, "app": str(app_dir), "revision": git_revision(app_dir),
            "started": datetime.now(UTC).isoformat(timespec="seconds"), "figures": figures(result)}


def compare(configurations: list[str], before_dir: Path, after_dir: Path, args: argparse.Namespace) -> list[dict]:
    """Each configuration for both checkouts, back to back, ``args.rounds`` times (before first in
    odd rounds, after first in even ones); then one comparison table per configuration."""
    records = []
    revisions = (git_revision(before_dir), git_revision(after_dir))
    for configuration in configurations:
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for n in range(args.rounds):
            order = [("before", before_dir), ("after", after_dir)]
            for label, app_dir in order if n % 2 == 0 else order[::-1]:
                record = run_configuration(configuration, app_dir, args, f" — {label}, round {n + 1}")
                records.append({**record, "side": label, "round": n + 1})
                runs[label].append(record["figures"])
        print_comparison(CONFIGURATIONS[configuration][0], runs["before"], runs["after"], revisions)
    return records


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="members arrive spread over this many seconds (10 saturates 2 cores; try 60)")
    parser.add_argument("--sign-in-concurrency", type=int, default=SIGN_IN_CONCURRENCY,
                        help="at most this many sign-ins at once in the sign-in phase")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--app-dir", type=Path, default=ROOT,
                        help="the checkout to serve and seed (default: this one); e.g. a git worktree of another "
                             "commit")
    parser.add_argument("--compare", type=Path, metavar="BEFORE_DIR",
                        help="run each configuration for this checkout and for --app-dir back to back, then print "
                             "a before/after table with ratios")
    parser.add_argument("--rounds", type=int, default=1, help="with --compare: before/after pairs per configuration")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every run's key figures to FILE")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--households", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.app_dir = args.app_dir.resolve()
    for folder in filter(None, (args.app_dir, args.compare)):
        if not (folder / "app.py").is_file():
            parser.error(f"no app.py in {folder}")
    return args


def print_machine(args: argparse.Namespace) -> None:
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text()).group(1)) / 1024 ** 2
    print(f"Machine: {cpu}, nproc {len(os.sched_getaffinity(0))}, {memory:.1f} GiB RAM; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average before: {os.getloadavg()[0]:.2f}; "
          f"Python {platform.python_version()}, NiceGUI {version('nicegui')}, uvicorn {version('uvicorn')}; "
          f"bench: {ROOT} at {git_revision(ROOT)}")
    print(f"Arrivals: {args.members} members over {args.ramp:g} s ({args.members / args.ramp:.1f}/s); "
          f"each from its own loopback address ({member_address(0)} ... {member_address(args.members - 1)}); "
          f"client keep-alive expiry {KEEPALIVE_EXPIRY:g} s")


def main() -> None:
    args = parse_args()
    if args.seed is not None:
        use_app_dir(args.app_dir)
        return seed(args.seed)
    if args.households:
        use_app_dir(args.app_dir)
        return print_app_facts()
    LOG_DIR.mkdir()
    print_machine(args)
    configurations = [c for c in CONFIGURATIONS if not getattr(args, f"skip_{c}")]
    if args.compare:
        records = compare(configurations, args.compare.resolve(), args.app_dir, args)
    else:
        records = [run_configuration(c, args.app_dir, args) for c in configurations]
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; the servers' logs: {LOG_DIR}")


if __name__ == "__main__":
    main()
