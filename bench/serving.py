"""The production server for bench/search.py's HTTP figures: gunicorn with the production
settings (as bench/load.py starts it), timed request by request with urllib, plus the
publishing-under-load scenario and the workers' peak memory."""

import importlib.util
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_module():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def production_server(database_url, workers=4):
    """gunicorn on a free port, page cache off (every request does the view's work)."""
    load = _load_module()
    port = load.free_port()
    base = f"http://127.0.0.1:{port}"
    args = types.SimpleNamespace(db="", workers=workers)
    with tempfile.TemporaryDirectory(prefix="portal-search-bench-") as workdir:
        env = load.server_environment(args, port, workdir, database_url=database_url)
        env["PAGE_CACHE_TIMEOUT"] = "0"
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        process = subprocess.Popen(
            load.server_command(port, workers),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(workdir) / "gunicorn.log", "w"),  # noqa: SIM115
            start_new_session=True,
        )
        try:
            load.wait_until_up(base, process)
            yield types.SimpleNamespace(base=base, process=process)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


def get(base, path):
    """(status, body) of one GET."""
    try:
        with urllib.request.urlopen(base + path, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def timed_get(base, path):
    started = time.perf_counter()
    status, _body = get(base, path)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return elapsed


def percentile(values, fraction):
    ordered = sorted(values)
    k = (len(ordered) - 1) * fraction
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def time_path(base, path, runs, repeats):
    """[(p50, p95)] of ``repeats`` rounds of ``runs`` sequential requests, after a warm-up."""
    timed_get(base, path)
    rounds = []
    for _ in range(repeats):
        times = [timed_get(base, path) for _ in range(runs)]
        rounds.append((statistics.median(times), percentile(times, 0.95)))
    return rounds


def worker_peak_rss_mb(process):
    """The largest peak resident size (VmHWM) among gunicorn's workers, in MB."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    peaks = []
    for pid in children.read_text().split():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks) if peaks else 0.0


def searches_under_load(base, paths, seconds, concurrency=8):
    """Latencies (ms) of searches sent by ``concurrency`` clients for ``seconds``."""
    latencies, stop = [], time.monotonic() + seconds
    lock = threading.Lock()

    def client(number):
        i = number
        while time.monotonic() < stop:
            elapsed = timed_get(base, paths[i % len(paths)])
            i += concurrency
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    return threads, latencies


def publishing_under_load(base, paths, publish, visible, seconds=60, concurrency=8):
    """Search p95 idle (``seconds`` / 3 at ``concurrency``) and while ``publish(n)`` runs
    once a second for ``seconds``; ``visible(n)`` (a search, over HTTP) must find each
    publication at once. Returns (idle p95, publishing p95, publications, seen at once)."""
    threads, idle = searches_under_load(base, paths, max(10, seconds // 3), concurrency)
    for thread in threads:
        thread.join()
    threads, busy = searches_under_load(base, paths, seconds, concurrency)
    published = seen = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        tick = time.monotonic()
        publish(published)
        seen += bool(visible(published))
        published += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    for thread in threads:
        thread.join()
    return percentile(idle, 0.95), percentile(busy, 0.95), published, seen
