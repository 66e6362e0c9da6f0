"""API and download benchmark: builds N synthetic practices with bench/search.py's loader,
then times the JSON API (lists over the search's query mix, details, conditional requests)
and the downloads of search results as CSV, XLSX and JSON (up to 5,000 rows), with the
CPU time the bench process spent (wall times mean little on a shared machine). Prints
the figures recorded in docs/performance.md.

    python bench/api.py --size 50000                   # SQLite file, built once
    python bench/api.py --size 50000 --reuse           # the same database again
    python bench/api.py --size 50000 --reuse --language de   # downloads from /de/ (a
                                                             # quarter of the practices
                                                             # have a German version)

Nothing here is run by the test suite.
"""

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_search_module():
    """bench/search.py (not importable as ``search``: that is the app)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=50000)
    parser.add_argument("--database", default="sqlite:////tmp/portal-api-bench.sqlite3")
    parser.add_argument("--reuse", action="store_true", help="keep a database of --size")
    parser.add_argument("--repeat", type=int, default=30, help="runs per API query")
    parser.add_argument("--downloads", type=int, default=5, help="runs per download")
    parser.add_argument(
        "--skip-api", action="store_true", help="skip the query mix (lists, details)"
    )
    parser.add_argument("--skip-downloads", action="store_true", help="time the API only")
    parser.add_argument("--index", action="store_true", help="rebuild the search index first")
    parser.add_argument(
        "--build-only", action="store_true", help="build the database, time nothing"
    )
    parser.add_argument(
        "--language", default="", help="download from the pages in this language (/de/...)"
    )
    return parser.parse_args()


def consume(response):
    """Read a response to the end (a streamed one included); its size in bytes."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def main():
    args = parse_args()
    builder = bench_search_module()
    if not args.reuse:
        builder.fresh_database(args.database)
    builder.setup_django(args.database)
    from django.conf import settings
    from django.test import Client

    from practices.models import PracticePage
    from search import indexing

    settings.PORTAL_RATE_LIMITS = {"api": None, "downloads": None}
    import random

    rng = random.Random(builder.SEED + args.size)
    from thesaurus.models import Concept

    started = time.monotonic()
    # Originals only: each has a version in another language (bench/search.py).
    built = PracticePage.objects.filter(translated_version__isnull=True).count() != args.size
    if built:
        builder.build_practices(args.size, rng)
        builder.analyze()
    if built or args.index:
        if not Concept.objects.exists():
            builder.load_thesaurus_concepts()
        indexing.rebuild()
        builder.analyze()
        print(f"built and indexed {args.size:,} practices in {time.monotonic() - started:.0f} s")
    if args.build_only:
        return
    client = Client()
    mix = builder.query_mix(rng)

    import os

    from django.db import connection

    print(f"{connection.vendor}, load average at start {os.getloadavg()[0]:.1f}")
    if not args.skip_api:
        api(client, mix, args, builder)
    api_list(client, args, builder)
    if not args.skip_downloads:
        downloads(client, mix, args, builder)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


def api(client, mix, args, builder):
    from practices.models import PracticePage

    timed, percentile = builder.timed, builder.percentile
    print(f"\n== API, N = {PracticePage.objects.count():,} practices")
    for per_page in (20, 100):
        times = []
        for _label, params in mix:
            params = {**params, "per_page": per_page}
            assert client.get("/api/v1/practices/", params).status_code == 200
            times += timed(lambda p=params: client.get("/api/v1/practices/", p), args.repeat)
        print(
            f"   list, query mix, per_page={per_page}: p50 {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms"
        )
    ids = list(PracticePage.objects.order_by("?").values_list("pk", flat=True)[:50])
    detail = []
    for pk in ids:
        detail += timed(lambda pk=pk: client.get(f"/api/v1/practices/{pk}/"), 1, warm_up=False)
    print(
        f"   detail: p50 {statistics.median(detail):.1f} ms, p95 {percentile(detail, 0.95):.1f} ms"
    )
    url = f"/api/v1/practices/{ids[0]}/"
    etag = client.get(url)["ETag"]
    conditional = timed(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag), args.repeat)
    print(f"   detail answered 304 (If-None-Match): p50 {statistics.median(conditional):.1f} ms")
    for path in ("projects", "regions", "organisations"):
        times = timed(lambda p=path: client.get(f"/api/v1/{p}/"), args.repeat)
        print(f"   /api/v1/{path}/: p50 {statistics.median(times):.1f} ms")


def download_cases():
    """(label, parameters) of the downloads timed: every practice (the first 5,000 rows), and a
    common word with a facet that still holds more than 5,000."""
    return [
        ("unfiltered", {}),
        ("social + status", {"q": "social", "status": "ongoing"}),
    ]


def api_list(client, args, builder):
    """The practices list with per_page=50: plain, with a word, with a facet (issue 17)."""
    timed, percentile = builder.timed, builder.percentile
    print(f"\n== API list, per_page=50, {args.repeat} runs each")
    for label, params in [
        ("plain", {}),
        ("q=social", {"q": "social"}),
        ("status=ongoing", {"status": "ongoing"}),
    ]:
        params = {**params, "per_page": 50}
        assert client.get("/api/v1/practices/", params).status_code == 200
        cpu = time.process_time()
        times = timed(lambda p=params: client.get("/api/v1/practices/", p), args.repeat)
        cpu = (time.process_time() - cpu) * 1000 / (args.repeat + 1)
        print(
            f"   {label:<16} p50 {statistics.median(times):6.1f} ms, "
            f"p95 {percentile(times, 0.95):6.1f} ms; this process's CPU {cpu:.1f} ms a request"
        )


def downloads(client, mix, args, builder):
    percentile = builder.percentile
    prefix = f"/{args.language}" if args.language else ""
    print(
        f"\n== downloads of search results (type=practice) from {prefix}/search/download/, "
        f"{args.downloads} runs each"
    )
    for label, params in download_cases():
        total = client.get("/api/v1/practices/", params).json()["count"]
        for fmt in ("csv", "xlsx", "json"):
            query = {**params, "type": "practice", "format": fmt}
            if fmt == "csv":  # the first download of a search fills its caches
                consume(client.get(f"{prefix}/search/download/", query))
            sizes = []
            cpu = time.process_time()
            times = builder.timed(
                lambda q=query, s=sizes: s.append(
                    consume(client.get(f"{prefix}/search/download/", q))
                ),
                args.downloads,
                warm_up=False,
            )
            size = sizes[-1]
            cpu = (time.process_time() - cpu) * 1000 / args.downloads
            print(
                f"   {label:<16} {fmt:<4} {min(total, 5000):>5,} rows: p50 "
                f"{statistics.median(times):,.0f} ms, max {max(times):,.0f} ms, "
                f"p95 {percentile(times, 0.95):,.0f} ms, {size / 1e6:.1f} MB; "
                f"this process's CPU {cpu:,.0f} ms a download"
            )


if __name__ == "__main__":
    main()
