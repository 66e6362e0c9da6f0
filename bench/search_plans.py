"""Search plans: for queries of bench/search.py's mix, on a database it built, the engine's
time warm (the words' match remembered, as for a visitor paging or clicking a facet) and
cold (nothing remembered, as for a new search), and every statement one cold search issues
with its EXPLAIN (ANALYZE, BUFFERS) summary on PostgreSQL (execution time, buffers; the
whole plan with --plans). See docs/performance.md.

    python bench/search_plans.py postgres://postgres@127.0.0.1:5432/search_bench synonym
    python bench/search_plans.py postgres://postgres@127.0.0.1:5432/search_bench --plans

Labels are the mix's ("synonym", "other language", "long everyday q.", ...); none: all.
"""

import argparse
import importlib.util
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import setup_django, to_query  # noqa: E402

# bench/search.py (its query mix), under another name than the portal's search app.
_spec = importlib.util.spec_from_file_location("search_bench", ROOT / "bench" / "search.py")
search_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(search_bench)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="a database bench/search.py built (--reuse)")
    parser.add_argument("labels", nargs="*", help="queries of the mix (default: all)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs, warm and cold each")
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    return parser.parse_args()


def explain(sql, plans):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # As the engine's search session does (search/engines/embedded.py).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    execution = next((line for line in plan if line.startswith("Execution Time")), "")
    buffers = next((line.strip() for line in plan if "Buffers" in line), "")
    print(f"     {execution} | {buffers} | {sql[:160]}")
    if plans:
        for line in plan:
            print("       " + line)


def main():
    args = parse_args()
    setup_django(args.database)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from search.engines import get_engine

    engine = get_engine()
    mix = dict(search_bench.query_mix(random.Random(0)))
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    for label in args.labels or list(mix):
        with translation.override(search_bench.LANGUAGES.get(label, "en")):
            query = to_query(mix[label])
        engine.search(query)

        def forget():
            engine.bitmap_store.current()._remembered.clear()

        def timed(before, query=query):
            times = []
            for _ in range(args.runs):
                before()
                started = time.perf_counter()
                engine.search(query)
                times.append((time.perf_counter() - started) * 1000)
            return statistics.median(times), max(times)

        warm = timed(lambda: None)
        cold = timed(forget)
        forget()
        with CaptureQueriesContext(connection) as captured:
            results = engine.search(query)
        print(
            f"\n== {label}: {results.total} results ({results.all_words_total} with every word); "
            f"engine ms median/max warm {warm[0]:.0f}/{warm[1]:.0f}, cold {cold[0]:.0f}/"
            f"{cold[1]:.0f}; {len(captured.captured_queries)} statements"
        )
        for statement in captured.captured_queries:
            sql = statement["sql"]
            full_text = "search_indexeddocument" in sql and sql.lstrip().startswith("SELECT")
            if connection.vendor == "postgresql" and full_text:
                explain(sql, args.plans)
            else:
                print(f"     {float(statement['time']) * 1000:.1f} ms | {sql[:160]}")


if __name__ == "__main__":
    main()
