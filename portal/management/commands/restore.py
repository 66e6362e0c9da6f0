from django.core.management.base import BaseCommand

from portal.backup import failures_as_command_errors, human_size, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by 'manage.py backup' into the configured database and "
        "MEDIA_ROOT. Both must be empty (a new database, an empty folder) unless --force is "
        "given. The archive's manifest is checked first: database vendor and every file's "
        "checksum. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="archive written by 'manage.py backup'")
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete every table of the configured database and every file in MEDIA_ROOT "
            "before restoring (the archive is fully checked before anything is deleted)",
        )

    def handle(self, *args, path, force, **options):
        with failures_as_command_errors("Restore"):
            result = restore_backup(path, force=force, log=self.stdout.write)
        manifest = result.manifest
        self.stdout.write(
            f"  archive: written {manifest['created_at']} by portal {manifest['portal_version']}"
        )
        self.stdout.write(
            f"  media: {result.media_files} files, {human_size(result.media_size)}; cache cleared"
        )
        if result.unknown_migrations:
            shown = ", ".join(result.unknown_migrations[:5])
            more = len(result.unknown_migrations) - 5
            self.stdout.write(
                self.style.WARNING(
                    "Warning: the archive has migrations this code does not know "
                    f"({shown}{f' and {more} more' if more > 0 else ''}); it may come from a "
                    "newer portal version"
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Restored {result.vendor} database and media."))
        if result.pending_migrations:
            self.stdout.write(
                f"The code has {result.pending_migrations} migrations the archive lacks: "
                "run 'python manage.py migrate' next."
            )
