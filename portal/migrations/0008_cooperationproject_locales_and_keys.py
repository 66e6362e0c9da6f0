"""Every existing cooperation project is an original in the default language, with its own
translation key."""

import uuid

from django.conf import settings
from django.db import migrations


def originals_in_default_locale(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    CooperationProject = apps.get_model("portal", "CooperationProject")
    locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    for project in CooperationProject.objects.filter(translation_key__isnull=True).only("pk"):
        CooperationProject.objects.filter(pk=project.pk).update(
            translation_key=uuid.uuid4(), locale_id=locale.pk
        )
    CooperationProject.objects.filter(locale__isnull=True).update(locale_id=locale.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_cooperationproject_translatable"),
    ]

    operations = [
        migrations.RunPython(originals_in_default_locale, migrations.RunPython.noop),
    ]
