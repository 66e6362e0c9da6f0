"""``manage.py purge_personal_data``: invitations and unsubmitted drafts past the retention
period go, submitted answers stay without identity; a dry run changes nothing; a second run
finds nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from peer_reviews.models import Invitation, SubmissionStatus, WorksheetSubmission
from portal.management.commands.purge_personal_data import months_before
from tests.factories_events import make_event_index, make_workshop
from tests.factories_reviews import answer, make_invitation, make_worksheet

pytestmark = pytest.mark.django_db

QUESTIONS = [{"field_type": "rating", "label": "Transferability"}]


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def purge(*args):
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def world(home, settings):
    settings.PORTAL_PERSONAL_DATA_RETENTION_MONTHS = 12
    index = make_event_index(home)
    # An event whose worksheet closed three years ago.
    old_event = make_workshop(index, title="Old workshop", slug="old-workshop")
    old = make_worksheet(old_event, questions=QUESTIONS, deadline=days_ago(3 * 365))
    old_submitted = make_invitation(old, name="Old submitted")
    old_drafting = make_invitation(old, name="Old drafting")
    old_silent = make_invitation(old, name="Old silent")
    answer(old, old_submitted, {"Transferability": 4})
    answer(old, old_drafting, {"Transferability": 2}, submit=False)
    # An event with one old worksheet and one closed last month: its invitations stay, but
    # the old worksheet's unsubmitted draft goes.
    mixed_event = make_workshop(index, title="Mixed workshop", slug="mixed-workshop")
    mixed_old = make_worksheet(mixed_event, questions=QUESTIONS, deadline=days_ago(800))
    make_worksheet(mixed_event, questions=QUESTIONS, deadline=days_ago(30))
    mixed = make_invitation(mixed_old, name="Mixed")
    answer(mixed_old, mixed, {"Transferability": 1}, submit=False)
    # A current event: nothing goes.
    new_event = make_workshop(index, title="New workshop", slug="new-workshop")
    new = make_worksheet(new_event, questions=QUESTIONS)
    current = make_invitation(new, name="Current")
    answer(new, current, {"Transferability": 5}, submit=False)
    # The old invitations were made long ago (created_at is set on insert).
    Invitation.objects.filter(event__in=[old_event, mixed_event]).update(
        created_at=days_ago(3 * 365)
    )
    return {
        "old": old,
        "old_submitted": old_submitted,
        "old_drafting": old_drafting,
        "old_silent": old_silent,
        "mixed": mixed,
        "current": current,
    }


def state():
    return (
        sorted(Invitation.objects.values_list("name", flat=True)),
        sorted(
            WorksheetSubmission.objects.values_list("invitation__name", "status", "form_data"),
            key=repr,
        ),
    )


def test_dry_run_counts_and_changes_nothing(world):
    before = state()
    line = purge("--dry-run")
    assert line.startswith("Dry run, nothing changed; would purge personal data older than 12")
    assert (
        "3 peer-review invitations deleted, 1 submitted answers kept without identity, "
        "2 unsubmitted drafts deleted." in line
    )
    assert state() == before


def test_purge_deletes_what_the_notice_says_and_a_second_run_nothing(world):
    line = purge()
    assert line.startswith("Purged personal data older than 12 months (before ")
    assert line.endswith(
        "3 peer-review invitations deleted, 1 submitted answers kept without identity, "
        "2 unsubmitted drafts deleted."
    )
    invitations, submissions = state()
    assert invitations == ["Current", "Mixed"]
    # The old submitted answer stays for the results, without identity; the drafts of closed
    # worksheets are gone, the current participant's draft is kept.
    assert submissions == [
        ("Current", SubmissionStatus.DRAFT, {"transferability": 5}),
        (None, SubmissionStatus.SUBMITTED, {"transferability": 4}),
    ]
    assert WorksheetSubmission.objects.get(invitation=None).page_id == world["old"].pk

    after = state()
    line = purge()
    assert line.endswith(
        "0 peer-review invitations deleted, 0 submitted answers kept without identity, "
        "0 unsubmitted drafts deleted."
    )
    assert state() == after


def test_months_option_and_setting(world, settings):
    # Ten years: nothing is old enough.
    assert purge("--months", "120").endswith(
        "0 peer-review invitations deleted, 0 submitted answers kept without identity, "
        "0 unsubmitted drafts deleted."
    )
    settings.PORTAL_PERSONAL_DATA_RETENTION_MONTHS = 48
    assert "older than 48 months" in purge("--dry-run")


def test_months_before_counts_calendar_months():
    moment = datetime.datetime(2026, 3, 31, 12, 0, tzinfo=datetime.UTC)
    assert months_before(moment, 1) == moment.replace(month=2, day=28)
    assert months_before(moment, 24) == moment.replace(year=2024)
    assert months_before(moment, 15) == moment.replace(year=2024, month=12)
