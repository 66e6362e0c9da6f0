"""Load benchmark: the production stack (gunicorn, production settings, 4 workers) on loopback
with 10,000 synthetic practices, driven by wrk. Prints requests/s, p50/p95/p99 and errors per
scenario and concurrency (see docs/performance.md, "Load").

    python bench/load.py                       # builds the database once, 60 s per run
    python bench/load.py --duration 10         # shorter runs while developing
    python bench/load.py --rebuild             # build the database again
    python bench/load.py --scenarios search practice --concurrency 8

The database is built once into --db (bench/search.py's bulk builder, then the demo content
for events) and reused while it holds --practices synthetic practices. Needs wrk
(Debian: ``apt-get install wrk``). Nothing here is run by the test suite.
"""

import argparse
import importlib.util
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKERS = 4
SCENARIOS = ["search", "search-repeated", "practice", "practices", "event", "api"]
STATUSES = ["ongoing", "completed", "pilot", "discontinued"]
# The search scenario: one word and two facets (country, status), every combination of the
# synthetic practices' SEARCH_WORDS most frequent words (stop words aside), the countries and
# the statuses, shuffled; wrk walks through them in order, each run from where the last one
# stopped, so that no search is asked twice (every one a page-cache miss) until they run out.
SEARCH_WORDS = 400
# The practice-page scenario rotates over this many pages, each fetched once before the run.
PRACTICE_PAGES = 20
DISTINCT = {"search"}  # scenarios whose paths are walked, never repeated

# wrk prints one JSON line from done(); request() rotates over the paths in a file when given.
LUA = r"""
local paths, counter, step = nil, 0, 1
local threads_made = 0
function setup(thread)
  thread:set("thread_number", threads_made)
  threads_made = threads_made + 1
end
function init(args)
  if args[1] then
    paths = {}
    for line in io.lines(args[1]) do paths[#paths + 1] = line end
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  end
  -- walk: thread t asks paths t, t + threads, t + 2 threads... (never the same one twice)
  counter = thread_number or 0
  step = tonumber(os.getenv("WRK_THREADS") or "1")
end
if os.getenv("WRK_PATHS_MODE") == "rotate" then
  request = function()
    return wrk.format("GET", paths[math.random(#paths)])
  end
elseif os.getenv("WRK_PATHS_MODE") == "walk" then
  request = function()
    local path = paths[(counter % #paths) + 1]
    counter = counter + step
    return wrk.format("GET", path)
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, ' ..
    '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", type=int, default=10000)
    parser.add_argument("--db", default="/tmp/portal-load-bench.sqlite3", help="SQLite file")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--duration", type=int, default=60, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=SCENARIOS)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument(
        "--cpu",
        type=int,
        default=0,
        metavar="N",
        help="instead of wrk: CPU ms per request of N distinct requests per scenario, in process",
    )
    parser.add_argument("--profile", action="store_true", help="with --cpu: cProfile them")
    parser.add_argument("--in-process", help=argparse.SUPPRESS)  # the --cpu child
    return parser.parse_args()


def bench_search_module():
    """bench/search.py (not importable as ``search``: that is the app)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the database ------------------------------------------------------------------------------


def prepare_database(args):
    """Build (or reuse) the database; return the scenario paths. Django runs in this process
    under test settings (memory caches) only to build and to read a few URLs."""
    builder = bench_search_module()
    url = f"sqlite:///{args.db}"
    fresh = args.rebuild or not os.path.exists(args.db)
    if fresh:
        builder.fresh_database(url)
    builder.setup_django(url)  # migrates
    from django.core.management import call_command
    from wagtail.models import Locale, Site

    from learning_events.models import LearningEventPage
    from practices.models import PracticePage
    from search import indexing

    # The originals only: each synthetic practice also has a version in a second language,
    # under the same slug.
    originals = PracticePage.objects.filter(
        slug__startswith="practice-", locale=Locale.get_default()
    )
    synthetic = originals.count()
    if synthetic != args.practices:
        if not fresh:
            sys.exit(f"{args.db} holds {synthetic:,} synthetic practices: use --rebuild.")
        started = time.monotonic()
        builder.build_practices(args.practices, random.Random(builder.SEED + args.practices))
        call_command("load_demo_content", verbosity=0)  # the events, and 13 real practices
        indexing.rebuild()
        print(f"Built {args.db} in {time.monotonic() - started:.0f} s")
    from portal.models import Country

    practices = list(originals.live().order_by("?").values_list("url_path", flat=True)[:200])
    prefix = Site.objects.get(is_default_site=True).root_page.url_path.rstrip("/")
    countries = list(Country.objects.order_by("code").values_list("code", flat=True))
    from search.languages import query_stop_words

    stop_words = query_stop_words("en")
    words = [w for w in builder.vocabulary()[0] if len(w) > 3 and w not in stop_words]
    searches = [
        f"/search/?q={word}&country={country}&status={status}"
        for word in words[:SEARCH_WORDS]
        for country in countries
        for status in STATUSES
    ]
    random.Random(7).shuffle(searches)
    event = LearningEventPage.objects.live().order_by("pk").first()
    return {
        "search": searches,
        "search-repeated": [searches[0]],
        "practice": [path[len(prefix) :] for path in practices[:PRACTICE_PAGES]],
        "practices": ["/practices/"],
        "event": [event.url_path[len(prefix) :]],
        "api": ["/api/v1/practices/"],
    }


# -- the server --------------------------------------------------------------------------------


def server_command(port, workers):
    """The production server: gunicorn with portal/gunicorn.conf.py when the project has one
    (command-line bind and workers override it), else the same options by hand."""
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "portal.wsgi:application"]
    config = ROOT / "portal" / "gunicorn.conf.py"
    if config.exists():
        command += ["--config", str(config)]
    return command + ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]


def server_environment(args, port, cache_dir, database_url=None):
    """The production settings' environment; ``database_url`` overrides ``args.db``."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="load-bench-" + os.urandom(8).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=database_url or f"sqlite:///{args.db}",
        CACHE_DIR=str(Path(cache_dir) / "django"),
        PAGE_CACHE_DIR=str(Path(cache_dir) / "pages"),
        WEB_CONCURRENCY=str(args.workers),
        HOST="127.0.0.1",
        PORT=str(port),
        # One client sends every request here; the per-address rate limits (portal/ratelimit.py)
        # would answer most of the API and download scenarios with 429. The bench measures the
        # server's capacity, not the limits.
        PORTAL_RATE_LIMITS="api=none,downloads=none",
    )
    return env


def collect_static(environment):
    """As `make serve` does: the production settings serve hashed files from STATIC_ROOT."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base, process, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/practices/", timeout=30) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer in time")


def check_paths(base, paths):
    """Every scenario's first path answers 200 (a redirect or error would skew the figures)."""
    for name, urls in paths.items():
        with urllib.request.urlopen(base + urls[0], timeout=60) as response:
            if response.status != 200:
                sys.exit(f"{name}: {urls[0]} answered {response.status}")
            print(f"   {name:<16} {urls[0][:60]:<60} {response.headers.get('Cache-Control', '-')}")


# -- wrk ---------------------------------------------------------------------------------------


def run_wrk(base, urls, concurrency, seconds, threads, workdir, walk=False):
    script = Path(workdir) / "bench.lua"
    script.write_text(LUA)
    env = dict(os.environ)
    command = [
        "wrk",
        f"-t{min(threads, concurrency)}",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base + urls[0],
    ]
    if len(urls) > 1:
        listing = Path(workdir) / "paths.txt"
        listing.write_text("\n".join(urls) + "\n")
        env["WRK_PATHS_MODE"] = "walk" if walk else "rotate"
        env["WRK_THREADS"] = str(min(threads, concurrency))
        command += ["--", str(listing)]
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("{"))
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


# -- CPU per request, in process -----------------------------------------------------------------


def cpu_per_request(args, paths):
    """CPU ms per request (``time.process_time``) of up to ``args.cpu`` distinct paths per
    scenario, each asked once through the WSGI application under the server's settings and
    fresh caches: what a worker spends on a request, gunicorn's parsing and the socket aside.
    Load from other jobs stretches wall time far more than CPU time. Runs in a child process
    (the production settings cannot replace the test settings this process has set up)."""
    with tempfile.TemporaryDirectory(prefix="portal-load-cpu-") as workdir:
        environment = server_environment(args, free_port(), workdir)
        collect_static(environment)
        listing = Path(workdir) / "paths.json"
        listing.write_text(json.dumps({name: paths[name] for name in args.scenarios}))
        command = [sys.executable, __file__, "--in-process", str(listing), "--cpu", str(args.cpu)]
        subprocess.run(command + ["--profile"] * args.profile, env=environment, check=True)


def in_process(args):
    import cProfile
    import pstats
    from wsgiref.util import setup_testing_defaults

    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def get(path):
        route, _, query = path.partition("?")
        environ = {"PATH_INFO": route, "QUERY_STRING": query, "HTTP_HOST": "127.0.0.1"}
        setup_testing_defaults(environ)
        statuses = []
        response = application(environ, lambda status, headers: statuses.append(status))
        b"".join(response)
        response.close()
        return statuses[0]

    print(f"\n   {'scenario':<16} {'requests':>8} {'CPU ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name, urls in json.loads(Path(args.in_process).read_text()).items():
        urls = list(dict.fromkeys(urls))  # each once: the first time, as the bench's misses
        get(urls[0])  # imports, the thesaurus and the reference data read once
        # A single page is served from the page cache after the first time.
        urls = urls[1 : args.cpu + 1] if len(urls) > 1 else urls * args.cpu
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        times = []
        for url in urls:
            started = time.process_time()
            if profiler:
                profiler.enable()
            status = get(url)
            if profiler:
                profiler.disable()
            times.append((time.process_time() - started) * 1000)
            if not status.startswith("200"):
                sys.exit(f"{name}: {url} answered {status}")
        times.sort()
        print(
            f"   {name:<16} {len(times):>8} {sum(times) / len(times):>8.2f} "
            f"{times[len(times) // 2]:>8.2f} {times[int(len(times) * 0.95)]:>8.2f}",
            flush=True,
        )
        if profiler:
            pstats.Stats(profiler).sort_stats(
                os.environ.get("PROFILE_SORT", "cumulative")
            ).print_stats(70)


def main():
    args = parse_args()
    if args.in_process:
        return in_process(args)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing (Debian: apt-get install wrk)")
    paths = prepare_database(args)
    if args.cpu:
        return cpu_per_request(args, paths)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="portal-load-") as workdir:
        environment = server_environment(args, port, workdir)
        collect_static(environment)
        process = subprocess.Popen(
            server_command(port, args.workers),
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(workdir) / "gunicorn.log", "w"),  # noqa: SIM115
            start_new_session=True,
        )
        try:
            wait_until_up(base, process)
            print(f"\n== gunicorn, {args.workers} workers, {args.practices:,} practices, {base}")
            check_paths(base, {name: paths[name] for name in args.scenarios})
            print(
                f"\n   {'scenario':<16} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
                f"{'p99 ms':>8} {'4xx/5xx':>8} {'socket':>7}"
            )
            for name in args.scenarios:
                walk = name in DISTINCT
                if not walk:  # a few pages, each asked once before (the page cache's case)
                    for path in paths[name]:
                        urllib.request.urlopen(base + path, timeout=60).close()
                # A walked scenario's runs (warm-ups included) each start where the last
                # stopped: the first path, asked by check_paths(), is behind them.
                cursor = 1 if walk else 0
                for concurrency in args.concurrency:
                    for seconds in (args.warmup, args.duration):
                        if not seconds:
                            continue
                        urls = paths[name][cursor:] if walk else paths[name]
                        if walk and len(urls) < 2:
                            sys.exit(f"{name}: every distinct path asked; fewer or shorter runs")
                        f = run_wrk(base, urls, concurrency, seconds, args.threads, workdir, walk)
                        # Threads walk at slightly different speeds: skip a margin too.
                        cursor += f["requests"] + f["requests"] // 10 + 100 if walk else 0
                    repeated = (
                        " (some asked twice: the list ran out)"
                        if (walk and cursor > len(paths[name]))
                        else ""
                    )
                    print(
                        f"   {name:<16} {concurrency:>4} {f['rps']:>8.0f} {f['p50'] / 1000:>8.1f} "
                        f"{f['p95'] / 1000:>8.1f} {f['p99'] / 1000:>8.1f} "
                        f"{f['status_errors']:>8} {f['socket_errors']:>7}{repeated}",
                        flush=True,
                    )
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            log = (Path(workdir) / "gunicorn.log").read_text()
            errors = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
            if errors:
                print(f"\n   gunicorn log: {len(errors)} error lines, first: {errors[0]}")


if __name__ == "__main__":
    main()
