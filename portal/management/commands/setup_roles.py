from django.core.management.base import BaseCommand

from portal.roles import setup_roles


class Command(BaseCommand):
    help = (
        "Create or refresh the role groups (site editors, validators, one partner author group "
        "per organisation, one coordinator group per cooperation project), their permissions "
        "and the practice validation workflow. Safe to run repeatedly; run it again after "
        "adding organisations or projects."
    )

    def handle(self, *args, **options):
        for line in setup_roles():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Roles set up."))
