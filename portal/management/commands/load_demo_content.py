from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError
from wagtail import hooks

from portal.demo import (
    DemoDataError,
    ensure_home_page,
    load_legal_pages,
    load_reference_data,
    reference_index_updated_once,
)


class Command(BaseCommand):
    help = (
        "Load the demo content from fixtures/: reference data, the site's pages and whatever "
        "each app contributes through the 'load_demo_content' hook. Safe to run repeatedly."
    )

    def handle(self, *args, **options):
        try:
            with ExitStack() as stack:
                # Work done once for the whole load rather than at every save: Wagtail's
                # reference index here, and whatever the apps' 'demo_content_loading' hooks
                # return (context managers; the search index is rebuilt once at the end).
                stack.enter_context(reference_index_updated_once())
                for loading in hooks.get_hooks("demo_content_loading"):
                    stack.enter_context(loading())
                self._load()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))

    def _load(self):
        counts = load_reference_data()
        self.stdout.write("Reference data: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        home = ensure_home_page()
        self.stdout.write(load_legal_pages(home))
        for load in hooks.get_hooks("load_demo_content"):
            message = load(home)
            if message:
                self.stdout.write(message)
