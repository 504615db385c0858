"""Benchmark: the coordinators' visit list at 100,000 visits, paged by keyset, against the unpaged list.

Run from the repository root: ``python bench/visit_list.py [--runs 7] [--skip-browser]``.
Generates 100,000 visits over 20,000 households (bench/map.py's generator, SQLite in a temporary
data folder), then measures in the same run:
- the service queries (median of runs): the baseline is the list as it was before paging, one
  query of the newest 200 visits (``list_visits(limit=200)``) that rendered every row as a card;
  the new first page (20 rows), a page 2,500 pages deep by keyset, the same depth by OFFSET,
  and the count shown above the list;
- the page in headless Chromium at 390x844 (signed in as the coordinator): time from navigation
  until the last card is drawn, for the paged list (20 cards) and for the baseline, the same
  page with ``DOORSTEP_LIST_PAGE_SIZE=200`` (200 cards, what the unpaged list rendered).
Results go in docs/BENCHMARKS.md ("Visit list").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, col, select

from bench.map import cpu_model, generate, sign_in_browser, timed
from core import config, db
from models import User, Visit

DEEP_PAGE = 2_500  # 50,000 rows in at 20 a page


def unpaged_baseline(session: Session, actor: User, limit: int = 200) -> list:
    """The visit list's query before paging (as it was in services.visits.records.list_visits), newest 200."""
    from services.access import household_scope

    from models import Household

    return list(session.exec(
        select(Visit, Household, User).join(Household, Household.id == Visit.household_id)
        .join(User, User.id == Visit.member_id).where(household_scope(session, actor))
        .order_by(col(Visit.visited_at).desc()).limit(limit)).all())


def measure_services(runs: int) -> dict:
    from services.paging.cursor import encode
    from services.paging.visits import count_visits, visit_page
    from services.visits.records import VisitFilters, visit_query

    engine = db.read_only_engine()
    with Session(engine) as session:
        coord = session.exec(select(User).where(col(User.username) == "coord")).one()
        filters = VisitFilters()
        baseline_ms, rows = timed(lambda: unpaged_baseline(session, coord), runs)
        first_ms, first = timed(lambda: visit_page(session, coord, filters, size=20), runs)
        # The cursor of the row just before page 2,500 (found once by OFFSET, not timed), as the
        # "older" link of page 2,499 would carry it.
        edge = session.exec(select(Visit).order_by(col(Visit.visited_at).desc(), col(Visit.id).desc())
                            .offset(DEEP_PAGE * 20 - 1).limit(1)).one()
        after = encode(edge.visited_at, edge.id)
        deep_ms, deep = timed(lambda: visit_page(session, coord, filters, after=after, size=20), runs)
        offset_ms, by_offset = timed(lambda: list(session.exec(
            visit_query(session, coord, filters).order_by(col(Visit.visited_at).desc(), col(Visit.id).desc())
            .limit(20).offset(DEEP_PAGE * 20)).all()), runs)
        count_ms, total = timed(lambda: count_visits(session, coord, filters), runs)
        filtered = VisitFilters(verified=False, search="Household 1")
        filtered_ms, _ = timed(lambda: visit_page(session, coord, filtered, size=20), runs)
        filtered_count_ms, _ = timed(lambda: count_visits(session, coord, filtered), runs)
    return {"baseline_200_ms": baseline_ms, "baseline_rows": len(rows), "first_page_ms": first_ms,
            "first_rows": len(first.rows), "deep_keyset_ms": deep_ms, "deep_offset_ms": offset_ms,
            "deep_same_rows": [r[0].id for r in deep.rows] == [r[0].id for r in by_offset],
            "count_ms": count_ms, "total": total, "filtered_page_ms": filtered_ms,
            "filtered_count_ms": filtered_count_ms}


async def measure_page(data_dir: Path, page_size: int, runs: int) -> dict:
    from playwright.async_api import async_playwright

    from tests.e2e.live_app import CHROMIUM, CHROMIUM_ARGS, PHONE, running_app

    with running_app(data_dir, DOORSTEP_DEMO="0", DOORSTEP_LIST_PAGE_SIZE=str(page_size)) as base:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = await browser.new_context(locale="en-GB", **PHONE)
            page = await context.new_page()
            await sign_in_browser(page, base, "coord")
            times, html_ms, html_bytes = [], [], 0
            for _ in range(runs):
                t = time.perf_counter()
                response = await page.request.get(base + "/visits")
                html_bytes = len(await response.body())
                html_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                await page.goto(base + "/visits")
                await page.locator(".q-card").nth(page_size).wait_for(timeout=60000)  # filter card + the cards
                await page.locator("text=/visits · page 1/").wait_for()
                times.append((time.perf_counter() - t) * 1000)
            cards = await page.locator(".q-card").count()
            height = await page.evaluate("document.documentElement.scrollHeight")
            await browser.close()
    return {"page_size": page_size, "drawn_ms": statistics.median(times), "drawn_all": [round(x) for x in times],
            "html_ms": statistics.median(html_ms), "html_bytes": html_bytes, "cards": cards - 1,
            "height_px": height}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--out", default="bench-visit-list.json")
    args = parser.parse_args()
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "nproc": os.cpu_count(), "cpu": cpu_model(),
                     "python": platform.python_version(), "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir(parents=True)
        os.environ["DOORSTEP_DATA_DIR"] = str(data_dir)
        os.environ.pop("DOORSTEP_DATABASE_URL", None)
        config.get_settings.cache_clear()
        db.reset_engine()
        generated = generate(f"sqlite:///{data_dir / 'doorstep.db'}")
        results["generated"] = generated
        print(f"generated in {generated['seconds']:.1f} s", flush=True)
        results["services"] = measure_services(args.runs)
        print(json.dumps(results["services"], indent=1), flush=True)
        if not args.skip_browser:
            results["page_baseline_200"] = asyncio.run(measure_page(data_dir, 200, max(3, args.runs // 2)))
            print(json.dumps(results["page_baseline_200"], indent=1), flush=True)
            results["page_paged_20"] = asyncio.run(measure_page(data_dir, 20, args.runs))
            print(json.dumps(results["page_paged_20"], indent=1), flush=True)
    Path(args.out).write_text(json.dumps(results, indent=1, default=str))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
