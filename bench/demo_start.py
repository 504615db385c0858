"""Benchmark: `python app.py --demo` from a fresh data folder until GET / answers (target: under 15 s).

Run from the repository root: ``python bench/demo_start.py [--runs 3]``. Baseline in the same run:
`python app.py` without the demo (an empty database: migrations and start-up only). Each run uses a
new temporary data folder; production Argon2 parameters (none of the test settings). Results go
in docs/BENCHMARKS.md ("Demo start"). Then the CPU time of seeding alone, with and without the month,
which the machine's other work hardly changes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.map import cpu_model
from tests.e2e.live_app import free_port

ROOT = Path(__file__).resolve().parent.parent


def first_answer(demo: bool) -> float:
    """Seconds from starting the process until GET / gets an HTTP answer."""
    with tempfile.TemporaryDirectory(prefix="doorstep-demo-") as tmp:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI", "DOORSTEP"))}
        env.update(DOORSTEP_DATA_DIR=tmp, DOORSTEP_PORT=str(port), DOORSTEP_HOST="127.0.0.1")
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "app.py", *(["--demo"] if demo else [])], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError("the app exited")
                try:
                    httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                    return time.perf_counter() - started
                except httpx.HTTPError:
                    time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(timeout=20)


def seeding_cpu_seconds(month: bool) -> float:
    """CPU seconds (this process only, so other work on the machine hardly moves it) of seeding the demo."""
    from core import config, db
    from core.db import session_scope, upgrade_schema
    from services.demo.organisation import seed_demo

    with tempfile.TemporaryDirectory(prefix="doorstep-seed-") as tmp:
        os.environ["DOORSTEP_DATA_DIR"] = tmp
        os.environ.pop("DOORSTEP_DATABASE_URL", None)
        config.get_settings.cache_clear()
        db.reset_engine()
        upgrade_schema()
        started = time.process_time()
        with session_scope() as session:
            seed_demo(session, month=month)
        spent = time.process_time() - started
        db.reset_engine()
        return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{cpu_model()}, {len(os.sched_getaffinity(0))} cores; {time.strftime('%Y-%m-%d %H:%M')}; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    for label, demo in (("baseline: python app.py (empty database)", False), ("python app.py --demo", True)):
        times = [first_answer(demo) for _ in range(args.runs)]
        print(f"{label}: median {statistics.median(times):.1f} s  (runs: {', '.join(f'{t:.1f}' for t in times)})")
    for label, month in (("seeding without the month (households, visits, accounts)", False),
                         ("seeding with the month", True)):
        print(f"{label}: {seeding_cpu_seconds(month):.2f} s of CPU")


if __name__ == "__main__":
    main()
