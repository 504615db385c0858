"""Page weight and time to interactive on an emulated mid-range phone on a slow network.

Loads a bare NiceGUI page (the baseline) and Doorstep's member home page in the same run, cold
(empty cache) and warm (cached), in headless Chromium at 390x844 with 4x CPU slowdown and
~1.6 Mbps / 150 ms latency. "Interactive" = the page is loaded and NiceGUI's websocket is
connected (clicks reach the server). Prints a Markdown table.

    python bench/pageload.py [runs]
"""

from __future__ import annotations

import asyncio
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from playwright.async_api import BrowserContext, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.e2e.live_app import CHROMIUM, CHROMIUM_ARGS, free_port, running_app  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
INTERACTIVE = "document.readyState === 'complete' && window.socket && window.socket.connected"


async def measure(context: BrowserContext, url: str, cold: bool) -> tuple[float, int]:
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    if cold:
        await cdp.send("Network.clearBrowserCache")
    await cdp.send("Network.emulateNetworkConditions", NETWORK)
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    transferred = 0

    def finished(event: dict) -> None:
        nonlocal transferred
        transferred += int(event.get("encodedDataLength", 0))

    cdp.on("Network.loadingFinished", finished)
    await page.goto(url, wait_until="commit")
    await page.wait_for_function(INTERACTIVE, timeout=120_000, polling=20)
    elapsed = await page.evaluate("performance.now()")
    await page.close()
    return elapsed, transferred


async def sign_in(context: BrowserContext, base: str) -> None:
    page = await context.new_page()
    await page.goto(base + "/login")
    await page.locator("input").nth(0).fill("member1")
    await page.locator("input[type=password]").fill("doorstep-demo")
    await page.keyboard.press("Enter")
    await page.wait_for_url(base + "/")
    await page.close()


async def run(bare: str, doorstep: str, runs: int) -> dict[str, list[tuple[float, int]]]:
    results: dict[str, list[tuple[float, int]]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(runs):  # interleaved, so both pages see the same machine noise
            for name, url, needs_login in (("bare NiceGUI page", bare + "/", False),
                                           ("Doorstep member home", doorstep + "/", True)):
                context = await browser.new_context(**PHONE)
                if needs_login:
                    await sign_in(context, doorstep)
                results.setdefault(f"{name}, cold", []).append(await measure(context, url, cold=True))
                results.setdefault(f"{name}, warm", []).append(await measure(context, url, cold=False))
                await context.close()
        await browser.close()
    return results


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    port = free_port()
    bare_process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bare_app.py")), str(port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        bare = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(bare, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp) / "data") as doorstep:
            results = asyncio.run(run(bare, doorstep, runs))
    finally:
        bare_process.terminate()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"Machine: {cpu}, {len(__import__('os').sched_getaffinity(0))} cores; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; median of {runs} runs\n")
    print("| page | time to interactive (ms) | transferred (KB) |")
    print("| --- | ---: | ---: |")
    medians = {}
    for name, samples in results.items():
        ms = statistics.median(s[0] for s in samples)
        kb = statistics.median(s[1] for s in samples) / 1024
        medians[name] = ms
        print(f"| {name} | {ms:,.0f} | {kb:,.0f} |")
    ratio = medians["Doorstep member home, cold"] / medians["bare NiceGUI page, cold"]
    print(f"\nCold ratio Doorstep / bare: {ratio:.2f} (target <= 1.2); "
          f"warm Doorstep: {medians['Doorstep member home, warm']:,.0f} ms (target < 1000)")


if __name__ == "__main__":
    main()
