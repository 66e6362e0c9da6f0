from django.core.management.base import BaseCommand, CommandError
from wagtail import hooks

from portal.demo import DemoDataError, ensure_home_page, load_legal_pages, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the demo content from fixtures/: reference data, the site's pages and whatever "
        "each app contributes through the 'load_demo_content' hook. Safe to run repeatedly."
    )

    def handle(self, *args, **options):
        try:
            counts = load_reference_data()
            self.stdout.write("Reference data: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
            home = ensure_home_page()
            self.stdout.write(load_legal_pages(home))
            for load in hooks.get_hooks("load_demo_content"):
                message = load(home)
                if message:
                    self.stdout.write(message)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
