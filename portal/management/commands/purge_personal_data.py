import calendar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail import hooks


def months_before(moment, months):
    """``moment`` minus whole calendar months (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


class Command(BaseCommand):
    help = (
        "Delete the personal data the privacy notice says is deleted after "
        "PORTAL_PERSONAL_DATA_RETENTION_MONTHS months: each app applies its own rule through "
        "the 'purge_personal_data' hook (peer reviews: invitations and unsubmitted drafts; "
        "submitted answers are kept without identity). Safe to run repeatedly, e.g. daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be deleted; change nothing.",
        )
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Override the retention period (default: the setting).",
        )

    def handle(self, *args, dry_run=False, months=None, **options):
        if months is None:
            months = settings.PORTAL_PERSONAL_DATA_RETENTION_MONTHS
        if months < 1:
            raise CommandError("--months must be at least 1.")
        cutoff = months_before(timezone.now(), months)
        results = []
        with transaction.atomic():
            for purge in hooks.get_hooks("purge_personal_data"):
                results.extend(purge(cutoff))
            if dry_run:
                # The very same statements run and are rolled back: the counts are exact.
                transaction.set_rollback(True)
        counts = ", ".join(f"{count} {what}" for count, what in results) or "nothing to purge"
        prefix = "Dry run, nothing changed; would purge" if dry_run else "Purged"
        self.stdout.write(
            f"{prefix} personal data older than {months} months "
            f"(before {timezone.localtime(cutoff):%Y-%m-%d %H:%M}): {counts}."
        )
