"""Start a checkout's app.py with an event-loop lag sampler in the server process (for bench/load.py).

    python bench/lag_server.py --app-dir DIR --samples FILE [--interval 0.010]

Runs DIR/app.py as `python app.py` would (its folder first on sys.path and as the working
directory, no arguments), after patching uvicorn's ``Server.startup`` and ``Server.shutdown``: at
start-up a task on the server's event loop sleeps ``interval`` (10 ms) again and again and records
how late each wake-up came (lag = time asleep - interval). Every half second, and at shutdown, the
samples are appended to FILE, one line each: ``<time.monotonic() at wake-up> <lag in seconds>``.
CLOCK_MONOTONIC is shared by the processes of one machine, so the bench cuts the samples into its
own phases by its own clock.

Nothing is added to the app: no route, no setting, no import of NiceGUI before app.py's own (app.py
chooses NiceGUI's session folder before NiceGUI is first imported). Any checkout served by uvicorn
can be measured this way, also one from before the sampler existed.

The same run records the garbage collector's pauses (``gc.callbacks``): each collection that took
1 ms or more is appended to FILE.gc as ``<monotonic time at its end> <generation> <seconds>``. A
collection stops every thread, the event loop's too, so it shows up as lag; the bench reports the
two side by side.

A late wake-up means something held the event loop: every connected page, socket message and
request waits for the same. ``running_server`` starts this wrapper the way tests/e2e/live_app.py's
``running_app`` starts app.py (same environment), on a free loopback port.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import gc
import os
import runpy
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

INTERVAL = 0.010  # seconds between samples: the sampler sleeps this long, then records how late it woke
FLUSH_EVERY = 0.5  # seconds between appends to the samples file
HERE = Path(__file__).resolve()


def append_lines(path: Path, lines: list[str]) -> list[str]:
    """Append ``lines`` to ``path``; returns the empty list that replaces them."""
    if lines:
        with path.open("a") as out:
            out.write("".join(lines))
    return []


class LagSampler:
    """A task on the running event loop: sleep ``interval``, note how late the wake-up was, repeat."""

    def __init__(self, path: Path, interval: float = INTERVAL) -> None:
        self.path, self.interval = path, interval
        self.pending: list[str] = []
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self.run(), name="event-loop lag sampler")

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self.flush()

    def flush(self) -> None:
        self.pending = append_lines(self.path, self.pending)

    async def run(self) -> None:
        last_flush = time.monotonic()
        while True:
            before = time.monotonic()
            await asyncio.sleep(self.interval)
            woke = time.monotonic()
            self.pending.append(f"{woke:.6f} {max(0.0, woke - before - self.interval):.6f}\n")
            if woke - last_flush >= FLUSH_EVERY:  # outside the timed sleep: not counted as lag
                self.flush()
                last_flush = woke


GC_MIN_PAUSE = 0.001  # collections shorter than this are not written down


class GcPauses:
    """Notes every garbage collection of at least ``GC_MIN_PAUSE`` (written at exit and every 100)."""

    def __init__(self, path: Path) -> None:
        self.path, self.pending, self.started = path, [], 0.0

    def __call__(self, phase: str, info: dict) -> None:
        now = time.monotonic()
        if phase == "start":
            self.started = now
            return
        if now - self.started >= GC_MIN_PAUSE:
            self.pending.append(f"{now:.6f} {info.get('generation', -1)} {now - self.started:.6f}\n")
            if len(self.pending) >= 100:
                self.flush()

    def flush(self) -> None:
        self.pending = append_lines(self.path, self.pending)


def gc_path(samples: Path) -> Path:
    return samples.with_name(samples.name + ".gc")


def read_gc_pauses(samples: Path) -> list[tuple[float, int, float]]:
    """The (monotonic time, generation, seconds) of the collections a sampled server wrote down."""
    path = gc_path(samples)
    if not path.exists():
        return []
    found = []
    for line in path.read_text().splitlines():
        at, generation, took = line.split()
        found.append((float(at), int(generation), float(took)))
    return found


def install(sampler: LagSampler) -> None:
    """Run ``sampler`` while uvicorn serves: from its start-up to its shutdown."""
    import uvicorn

    startup, shutdown = uvicorn.Server.startup, uvicorn.Server.shutdown

    async def startup_with_sampler(self: uvicorn.Server, *args: object, **kwargs: object) -> None:
        sampler.start()
        await startup(self, *args, **kwargs)

    async def shutdown_with_sampler(self: uvicorn.Server, *args: object, **kwargs: object) -> None:
        try:
            await shutdown(self, *args, **kwargs)
        finally:
            sampler.stop()

    uvicorn.Server.startup = startup_with_sampler
    uvicorn.Server.shutdown = shutdown_with_sampler


def read_samples(path: Path) -> list[tuple[float, float]]:
    """The (monotonic time, lag seconds) pairs a sampler wrote, oldest first."""
    if not path.exists():
        return []
    pairs = []
    for line in path.read_text().splitlines():
        at, lag = line.split()
        pairs.append((float(at), float(lag)))
    return pairs


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(app_dir: Path, data_dir: Path, samples: Path, **env: str) -> Iterator[str]:
    """Start ``app_dir``'s app through this wrapper on a free loopback port; yield its base URL.

    The environment is tests/e2e/live_app.running_app's (demo data on, English, a fixed secret, the
    blank tile; no DOORSTEP_/PYTEST/NICEGUI variables inherited), plus ``env``. The log goes to
    ``data_dir``'s parent as app-<port>.log. NiceGUI keeps its session files in ``data_dir``/sessions:
    where the app chooses that folder itself (core/session_dir.py) this is the same folder; an older
    checkout would otherwise write them into its own folder and find them again on the next run.
    """
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI", "DOORSTEP"))}
    environment = {**inherited, "DOORSTEP_DATA_DIR": str(data_dir), "DOORSTEP_PORT": str(port),
                   "DOORSTEP_HOST": "127.0.0.1", "DOORSTEP_DEMO": "1", "DOORSTEP_SECRET_KEY": "e2e-secret",
                   "DOORSTEP_TILE_URL": "/static/tiles/blank.png", "DOORSTEP_DEFAULT_LANGUAGE": "en",
                   "NICEGUI_STORAGE_PATH": str(data_dir / "sessions"), **env}
    log_path = data_dir.parent / f"app-{port}.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, str(HERE), "--app-dir", str(app_dir), "--samples", str(samples)],
                                   cwd=app_dir, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(base, process, log_path)
            yield base
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(base: str, process: subprocess.Popen, log_path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app exited: {log_path.read_text()[-2000:]}")
        with suppress(httpx.HTTPError):
            if httpx.get(base + "/login", timeout=1).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"app did not start within {seconds:g} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--app-dir", type=Path, required=True, help="the checkout whose app.py to run")
    parser.add_argument("--samples", type=Path, required=True, help="append the lag samples to this file")
    parser.add_argument("--interval", type=float, default=INTERVAL, help="seconds between samples")
    args = parser.parse_args()
    app_dir = args.app_dir.resolve()
    install(LagSampler(args.samples.resolve(), args.interval))
    pauses = GcPauses(gc_path(args.samples.resolve()))
    gc.callbacks.append(pauses)
    atexit.register(pauses.flush)
    os.chdir(app_dir)
    sys.path[0] = str(app_dir)  # in place of this script's folder, as `python app.py` would have it
    sys.argv = [str(app_dir / "app.py")]
    runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
