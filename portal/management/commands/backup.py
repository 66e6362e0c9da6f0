from django.core.management.base import BaseCommand

from portal.backup import create_backup, failures_as_command_errors, human_size


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) of the database and the media files (MEDIA_ROOT) while the "
        "portal runs: SQLite through its online backup API, PostgreSQL through pg_dump. PATH is "
        "the archive to write, or a folder to write portal-backup-<UTC time>.tar.gz into. "
        "See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="archive file to create, or an existing folder")

    def handle(self, *args, path, **options):
        with failures_as_command_errors("Backup"):
            result = create_backup(path, log=self.stdout.write)
        self.stdout.write(f"  database ({result.vendor}): {human_size(result.database_size)}")
        self.stdout.write(
            f"  media: {result.media_files} files, {human_size(result.media_size)}"
            + (f" ({result.skipped} symlinks or special files skipped)" if result.skipped else "")
        )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {result.path}"))
