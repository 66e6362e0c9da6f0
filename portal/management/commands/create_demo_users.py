from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from wagtail import hooks

DEMO_ADMIN = ("admin", "admin@example.org", "changeme-demo")


class Command(BaseCommand):
    help = (
        "Create the demo accounts (a superuser only if none exists, plus whatever the apps "
        "register through the 'create_demo_users' hook) and print their credentials. "
        "Refuses to print passwords unless DEBUG is on, and refuses to run at all under "
        "production settings."
    )

    def handle(self, *args, **options):
        if not settings.PORTAL_DEMO_ACCOUNTS:
            raise CommandError(
                "Demo accounts have published passwords and are never created under production "
                "settings. Create the first administrator with `python manage.py "
                "createsuperuser` and give people their roles in the admin (docs/roles.md)."
            )
        User = get_user_model()
        accounts = []
        if not User.objects.filter(is_superuser=True).exists():
            username, email, password = DEMO_ADMIN
            User.objects.create_superuser(username=username, email=email, password=password)
            accounts.append(("site administrator", username, password))
        for create in hooks.get_hooks("create_demo_users"):
            accounts.extend(create())
        if not accounts:
            self.stdout.write("Demo accounts already exist; nothing created.")
            return
        for role, username, password in accounts:
            shown = password if settings.DEBUG else "(hidden outside development)"
            self.stdout.write(f"  {role:<22} user: {username:<18} password: {shown}")
