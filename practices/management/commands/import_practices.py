from django.core.management.base import BaseCommand, CommandError

from practices.markdown_io import ImportFailed, import_practices, read_sources


class Command(BaseCommand):
    help = (
        "Import good-practice records from Markdown files with front matter. Every file is "
        "validated first; if any has a problem nothing is saved. Re-importing a file updates "
        "the practice with the same slug. New practices are drafts unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Markdown files or folders of them")
        parser.add_argument("--publish", action="store_true", help="publish what is imported")

    def handle(self, *args, **options):
        paths = options["paths"]
        try:
            sources = read_sources(paths)
        except OSError as exc:
            raise CommandError(f"cannot read {exc.filename}: {exc.strerror}") from exc
        if not sources:
            raise CommandError("no Markdown files found in the given paths")
        try:
            result = import_practices(sources, publish=options["publish"])
        except ImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) found; nothing was imported."
            ) from exc
        state = "published" if options["publish"] else "saved as drafts"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} created, {len(result.updated)} updated ({state}), "
                f"{len(result.unchanged)} unchanged."
            )
        )
