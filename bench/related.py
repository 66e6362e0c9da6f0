"""Contexts-like-mine benchmark: on N synthetic practices (built as bench/search.py builds
them), times the related practices of practice pages (the ranking alone and the whole page)
and the "find practices for my context" page. Prints the figures (docs/practices.md).

    python bench/related.py --sizes 1000 10000
    python bench/related.py --database postgres://postgres@127.0.0.1:5432/related_bench

Each size gets a fresh database (``--reuse`` keeps one that already holds N practices).
Nothing here is run by the test suite.
"""

import argparse
import importlib.util
import random
import statistics
import subprocess
import sys
from pathlib import Path

# bench/search.py (the same synthetic data), under another name than the portal's search app.
_spec = importlib.util.spec_from_file_location(
    "search_bench", Path(__file__).resolve().parent / "search.py"
)
search_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(search_bench)

SAMPLES = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--database", default="sqlite:////tmp/portal-related-bench.sqlite3")
    parser.add_argument("--repeat", type=int, default=5, help="runs per practice or question")
    parser.add_argument("--reuse", action="store_true")
    return parser.parse_args()


def run(size, args):
    from django.test import Client

    from portal.models import Country, TargetGroup
    from portal.visibility import public_pages
    from practices.models import PracticePage
    from practices.related import RELATED_SHOWN, Context, ranked
    from search import indexing

    rng = random.Random(search_bench.SEED + size)
    # The synthetic originals (bench/search.py gives each a second language version).
    originals = public_pages(PracticePage.objects.filter(slug__startswith="practice-"))
    if not (args.reuse and originals.count() == size):
        search_bench.build_practices(size, rng)
        indexing.rebuild()
    client = Client()
    ids = list(originals.values_list("pk", flat=True))
    pages = list(
        PracticePage.objects.filter(pk__in=rng.sample(ids, min(SAMPLES, len(ids))))
        .with_card_data()
        .order_by("pk")
    )
    rank_times, page_times = [], []
    for page in pages:
        context = Context.of_practice(page)
        rank_times += search_bench.timed(lambda c=context: ranked(c, RELATED_SHOWN), args.repeat)
        page_times += search_bench.timed(lambda p=page: client.get(p.url), args.repeat)
    countries = list(Country.objects.values_list("code", flat=True))
    groups = list(TargetGroup.objects.values_list("slug", flat=True))
    words, _weights = search_bench.vocabulary()
    context_times = []
    for _n in range(SAMPLES):
        question = {
            "country": rng.choice(countries),
            "group": rng.sample(groups, 2),
            "q": " ".join(rng.sample(words[:200], 2)),
            "budget_min": "100000",
            "budget_max": "500000",
        }
        context_times += search_bench.timed(
            lambda q=question: client.get("/practices/context/", q), args.repeat
        )
    print(f"\n== N = {size:,}")
    for label, times in (
        ("related ranking", rank_times),
        ("practice page", page_times),
        ("context page", context_times),
    ):
        print(
            f"   {label:<16} p50 {statistics.median(times):7.1f} ms   "
            f"p95 {search_bench.percentile(times, 0.95):7.1f} ms"
        )


def main():
    args = parse_args()
    if len(args.sizes) > 1:
        for size in args.sizes:
            command = [sys.executable, __file__, "--sizes", str(size)]
            command += ["--database", args.database, "--repeat", str(args.repeat)]
            if args.reuse:
                command.append("--reuse")
            subprocess.run(command, check=True)
        return
    if not args.reuse:
        search_bench.fresh_database(args.database)
    search_bench.setup_django(args.database)
    run(args.sizes[0], args)


if __name__ == "__main__":
    main()
