"""Queries and time per request of the learning-event views on the current database.

Load the demo content first (``manage.py load_demo_content``), then run
``python bench/events.py [repeats]`` from the project root. Prints one line per URL:
status, number of SQL queries, median and worst time in milliseconds."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from learning_events.models import LearningEventPage  # noqa: E402


def main(repeats=20):
    event = LearningEventPage.objects.live().order_by("starts_at").first()
    if event is None:
        sys.exit("No learning events: run manage.py load_demo_content first.")
    urls = [
        "/events/",
        "/events/?kind=study-visit&country=ES&year=2026",
        "/events/?kind=junk&page=x",
        "/events/ics/",
        "/events/feed/",
        event.url,
        f"{event.url}ics/",
        "/",
    ]
    client = Client(HTTP_HOST="localhost")
    print(f"{LearningEventPage.objects.live().count()} live events, {repeats} requests per URL")
    for url in urls:
        client.get(url)  # warm caches
        timings = []
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{response.status_code} {len(queries):3d} queries "
            f"{statistics.median(timings):7.1f} ms median {max(timings):7.1f} ms max  {url}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
