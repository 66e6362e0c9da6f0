import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.engines import get_engine


class Command(BaseCommand):
    help = (
        "Rebuild the portal's search index from the published content (with a progress bar), "
        "or show how many documents it holds."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Rebuild the whole index from the pages."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        engine = get_engine()
        if not options["rebuild"]:
            self.stdout.write(f"{engine.name}: {engine.document_count()} documents indexed.")
            return
        started = time.monotonic()
        show = not options["no_progress"]

        bar = {"open": False}

        def progress(done, total):
            if not show:
                return
            width = 30
            filled = width * done // total if total else width
            # The line ends when the bar is full, before the engine logs its summary.
            complete = done >= total
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                ending="\n" if complete else "",
            )
            self.stdout.flush()
            bar["open"] = not complete

        try:
            count = indexing.rebuild(progress)
        except Exception as exc:  # report which engine failed, with the cause
            raise CommandError(f"Rebuilding the {engine.name} index failed: {exc}") from exc
        if show and bar["open"]:
            self.stdout.write("")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{engine.name}: indexed {count} documents in {seconds:.1f} s.")
        )
        sys.stdout.flush()
