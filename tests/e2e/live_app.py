"""Running the real app in a subprocess and driving Debian's Chromium with Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path(os.environ.get("DOORSTEP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium chromium-driver)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppProcess:
    url: str
    process: subprocess.Popen


@contextmanager
def running_app(data_dir: Path, **env: str) -> Iterator[str]:
    """Start `python app.py --demo` on a free loopback port; yield its base URL."""
    with running_app_process(data_dir, **env) as app:
        yield app.url


@contextmanager
def running_app_process(data_dir: Path, **env: str) -> Iterator[AppProcess]:
    """Like running_app, also giving the process (a test may kill -9 it; then it is not stopped again)."""
    port = free_port()
    # Without the test runner's variables (NiceGUI would start in its own test mode) or the
    # settings a unit test left behind; the database is the app's own unless ``env`` says otherwise.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI", "DOORSTEP"))}
    environment = {**inherited, "DOORSTEP_DATA_DIR": str(data_dir), "DOORSTEP_PORT": str(port),
                   "DOORSTEP_HOST": "127.0.0.1", "DOORSTEP_DEMO": "1", "DOORSTEP_SECRET_KEY": "e2e-secret",
                   "DOORSTEP_TILE_URL": "/static/tiles/blank.png", "DOORSTEP_DEFAULT_LANGUAGE": "en", **env}
    log = (data_dir.parent / f"app-{port}.log").open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=environment, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"app exited: {(data_dir.parent / f'app-{port}.log').read_text()[-2000:]}")
            try:
                if httpx.get(base + "/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError("app did not start within 60 s")
        yield AppProcess(base, process)
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def screenshot_path(name: str) -> str:
    SCREENSHOTS.mkdir(exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")
