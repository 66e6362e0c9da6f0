"""Queries and time per request of the peer-review views, with many participants.

Load the demo content first (``manage.py load_demo_content``), then run
``python bench/peer_reviews.py [participants] [repeats]`` from the project root. Adds
synthetic participants (named "Bench participant N", removed again at the end) to the demo
worksheet, then prints one line per URL: status, SQL queries, median and worst time in ms."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from peer_reviews.models import Invitation, PeerReviewWorksheetPage  # noqa: E402
from peer_reviews.services import save_answers  # noqa: E402

PREFIX = "Bench participant"


def add_participants(worksheet, count):
    template = worksheet.get_submissions().filter(status="submitted").first()
    for n in range(count):
        invitation = Invitation.objects.create(event=worksheet.get_parent(), name=f"{PREFIX} {n}")
        save_answers(worksheet, invitation, dict(template.form_data), submit=True)


def main(participants=200, repeats=10):
    worksheet = PeerReviewWorksheetPage.objects.live().first()
    if worksheet is None:
        sys.exit("No worksheet: run manage.py load_demo_content first.")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-superuser", defaults={"is_superuser": True, "is_staff": True}
    )
    add_participants(worksheet, participants)
    try:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        total = worksheet.get_submissions().count()
        print(f"{total} answers to '{worksheet.title}', {repeats} requests per URL")
        for route in [
            "results/",
            "results/csv/",
            "results/xlsx/",
            "report/",
            "report/edit/",
            "participants/",
            "report/pdf/",
        ]:
            url = worksheet.url + route
            client.get(url)  # warm caches
            timings = []
            for _ in range(repeats):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
            print(
                f"{response.status_code} {len(queries):3d} queries "
                f"{statistics.median(timings):8.1f} ms median {max(timings):8.1f} ms max  {url}"
            )
    finally:
        Invitation.objects.filter(name__startswith=PREFIX).delete()
        user.delete()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
