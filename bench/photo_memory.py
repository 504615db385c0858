"""Peak server memory for hostile photos: each worst input alone, and 10 at once against a running app.

Run from the repository root: ``python bench/photos.py memory [baseline-rev]``. Every measurement
runs the current tree and the baseline (default: where this branch left main) in the same run,
each in a fresh process; peak RSS is VmHWM after resetting it at idle (Linux only).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pillow_heif
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SIDE = 6300  # 39.7 MP: under the 40 MP pixel limit


def grey16_png() -> bytes:
    buf = io.BytesIO()
    Image.new("I;16", (SIDE, SIDE), 1000).save(buf, "PNG")
    return buf.getvalue()


def hostile_inputs() -> dict[str, bytes]:
    """The worst input of each kind that passes the pixel limit, all small on the wire."""
    out: dict[str, bytes] = {}

    def save(name: str, im: Image.Image, fmt: str, **kw: object) -> None:
        buf = io.BytesIO()
        im.save(buf, fmt, **kw)
        out[name] = buf.getvalue()

    out["16-bit grey PNG"] = grey16_png()
    save("palette PNG + transparency", Image.new("P", (SIDE, SIDE), 3), "PNG", transparency=0)
    save("CMYK JPEG, progressive", Image.new("CMYK", (SIDE, SIDE), (10, 20, 30, 40)), "JPEG", progressive=True)
    save("huge JPEG, progressive 4:4:4", Image.new("RGB", (SIDE, SIDE), (90, 120, 150)), "JPEG",
         progressive=True, subsampling=0)
    save("huge JPEG, baseline", Image.new("RGB", (SIDE, SIDE), (90, 120, 150)), "JPEG")
    save("RGBA WebP", Image.new("RGBA", (SIDE, SIDE), (90, 120, 150, 200)), "WEBP", lossless=True)
    pillow_heif.register_heif_opener()
    save("HEIC 4032x3024 (phone)", Image.new("RGB", (4032, 3024), (90, 120, 150)), "HEIF", quality=50)
    return out


def _rss_kib(pid: int | str = "self", field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(path: str) -> None:
    """In a fresh process of the tree on sys.path: peak MiB above idle for one upload."""
    from services.errors import ServiceError
    from services.visits.records import prepare_photo

    warm = io.BytesIO()
    Image.new("RGB", (64, 64)).save(warm, "JPEG")
    prepare_photo(warm.getvalue())
    data = Path(path).read_bytes()
    idle = _rss_kib()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    outcome = "processed"
    try:
        prepare_photo(data)
    except ServiceError as exc:
        outcome = f"refused: {exc}"
    peak = _rss_kib(field="VmHWM")
    time.sleep(0.2)
    print(f"{(peak - idle) / 1024:.0f}\t{(_rss_kib() - idle) / 1024:.0f}\t{outcome}")


def extract_baseline(rev: str, dest: Path) -> Path:
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def one_upload(tree: Path, path: Path) -> tuple[float, float, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOORSTEP_", "PYTEST")) or k == "DOORSTEP_MAX_DECODE_BYTES"}
    env["PYTHONPATH"] = str(tree)
    result = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(path)], cwd=tree,
                            env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        return float("nan"), float("nan"), "crashed: " + result.stderr.strip().splitlines()[-1][:80]
    peak, after, outcome = result.stdout.strip().splitlines()[-1].split("\t", 2)
    return float(peak), float(after), outcome


class RunningApp:
    """``python app.py --demo`` of one tree on a free port, with its own data folder."""

    def __init__(self, tree: Path, workdir: Path, argv: list[str] | None = None, **env: str) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        data = workdir / f"data-{self.port}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("DOORSTEP", "NICEGUI", "PYTEST"))
                       or k == "DOORSTEP_MAX_DECODE_BYTES"}
        environment.update({"DOORSTEP_DATA_DIR": str(data), "DOORSTEP_PORT": str(self.port),
                            "DOORSTEP_HOST": "127.0.0.1", "DOORSTEP_DEMO": "1", "DOORSTEP_SECRET_KEY": "bench",
                            "DOORSTEP_SCHEDULED_JOBS": "false", "PYTHONPATH": str(tree), **env})
        self.log = (workdir / f"app-{self.port}.log").open("w")
        self.process = subprocess.Popen([sys.executable, *(argv or ["app.py"])], cwd=tree, env=environment,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/login", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError("app did not start")

    def rss_mib(self, field: str = "VmRSS") -> float:
        return _rss_kib(self.process.pid, field) / 1024

    def cpu_ticks(self) -> int:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def wait_idle(self, quiet_s: float = 1.5) -> None:
        """Until the process used no CPU for ``quiet_s`` (uploads are processed after the 200)."""
        last, since = self.cpu_ticks(), time.monotonic()
        while time.monotonic() - since < quiet_s:
            time.sleep(0.25)
            now = self.cpu_ticks()
            if now - last > 2:
                last, since = now, time.monotonic()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def public_upload_url(client: httpx.Client, base: str) -> str:
    page = client.get(base + "/public/request").text
    match = re.search(r"/_nicegui/client/[0-9a-f-]+/upload/\d+", page)
    if not match:
        raise RuntimeError("no upload element on the public request form")
    return match.group(0)


# The app with malloc_trim turned off, to measure what returning memory to the OS is worth.
NO_TRIM = ["-c", "import runpy, services.photos.guard.decoding as d; d.return_memory_to_os = lambda: False; "
                 "runpy.run_path('app.py', run_name='__main__')"]


def concurrent_uploads(tree: Path, workdir: Path, data: bytes, count: int = 10,
                       argv: list[str] | None = None) -> dict[str, float | str]:
    """``count`` anonymous uploads of ``data`` at once, each from its own public form."""
    app = RunningApp(tree, workdir, argv)
    try:
        with httpx.Client(timeout=60) as client:
            warm = io.BytesIO()
            Image.new("RGB", (640, 480), (1, 2, 3)).save(warm, "JPEG")
            client.post(app.base + public_upload_url(client, app.base), files={"file": ("w.jpg", warm.getvalue())})
            app.wait_idle()
            urls = [public_upload_url(client, app.base) for _ in range(count)]
            app.wait_idle()
            idle = app.rss_mib()
            Path(f"/proc/{app.process.pid}/clear_refs").write_text("5")
            statuses: list[int] = []
            # Different bytes per upload (a trailing comment), so no upload is answered from another's hash.
            bodies = [data + f"#{i}".encode() for i in range(count)]
            started = time.perf_counter()
            with ThreadPoolExecutor(count) as pool:
                statuses = list(pool.map(
                    lambda i: client.post(app.base + urls[i], files={"file": (f"{i}.png", bodies[i])}).status_code,
                    range(count)))
            app.wait_idle()
            elapsed = time.perf_counter() - started
            peak = app.rss_mib("VmHWM")
            settled = app.rss_mib()
            return {"idle": idle, "peak_above_idle": peak - idle, "after_above_idle": settled - idle,
                    "statuses": ",".join(sorted({str(s) for s in statuses})), "seconds": elapsed}
    finally:
        app.stop()


def single_uploads(inputs: dict[str, bytes], trees: dict[str, Path], workdir: Path) -> None:
    print(f"peak RSS above idle (MiB), one upload per fresh process; trees: {', '.join(trees)}")
    print("| input | bytes | " + " | ".join(f"{name}: peak / after" for name in trees) + " | current outcome |")
    print("| --- | ---: | " + " | ".join("---:" for _ in trees) + " | --- |")
    for name, data in inputs.items():
        path = workdir / "input.bin"
        path.write_bytes(data)
        cells, outcome = [], ""
        for label, tree in trees.items():
            peak, after, result = one_upload(tree, path)
            cells.append(f"{peak:.0f} / {after:.0f}")
            if label == "current":
                outcome = result
        print(f"| {name} | {len(data):,} | " + " | ".join(cells) + f" | {outcome} |", flush=True)


def main(baseline_rev: str | None = None, server_only: bool = False) -> None:
    rev = baseline_rev or subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT, check=True,
                                         capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as tmp:
        workdir = Path(tmp)
        baseline = extract_baseline(rev, workdir / "baseline")
        trees = {"current": ROOT, f"baseline {rev[:7]}": baseline}
        if not server_only:
            single_uploads(hostile_inputs(), trees, workdir)
        worst = grey16_png()
        print("\n10 concurrent anonymous uploads of the 16-bit grey PNG to the public request form (MiB above idle)")
        print("| tree | idle RSS | peak above idle | after | HTTP statuses | seconds |")
        print("| --- | ---: | ---: | ---: | --- | ---: |")
        runs = [(label, tree, None) for label, tree in trees.items()]
        runs.insert(1, ("current, mmap threshold only (no malloc_trim)", ROOT, NO_TRIM))
        for label, tree, argv in runs:
            r = concurrent_uploads(tree, workdir, worst, argv=argv)
            print(f"| {label} | {r['idle']:.0f} | {r['peak_above_idle']:.0f} | {r['after_above_idle']:.0f} | "
                  f"{r['statuses']} | {r['seconds']:.1f} |", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        sys.path.insert(0, os.getcwd())
        child(sys.argv[2])
    else:
        args = [a for a in sys.argv[1:] if not a.startswith("--")]
        main(args[0] if args else None, server_only="--server-only" in sys.argv)
