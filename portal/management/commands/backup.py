import sqlite3

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from portal.backup import BackupError, create_backup, human_size, one_line


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
        try:
            result = create_backup(path, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        except (DatabaseError, sqlite3.Error) as exc:
            raise CommandError(f"Backup failed: database error: {one_line(exc)}") from exc
        except OSError as exc:
            raise CommandError(f"Backup failed: {one_line(exc)}") from exc
        self.stdout.write(f"  database ({result.vendor}): {human_size(result.database_size)}")
        self.stdout.write(
            f"  media: {result.media_files} files, {human_size(result.media_size)}"
            + (f" ({result.skipped} symlinks or special files skipped)" if result.skipped else "")
        )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {result.path}"))
