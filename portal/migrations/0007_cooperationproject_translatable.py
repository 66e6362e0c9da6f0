"""Cooperation projects become translatable (docs/languages.md), in three steps so that
PostgreSQL never alters a table with pending updates: the fields, nullable (this one); the
existing projects' locale and keys (0008); then the constraints (0009)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_reference_labels_and_english_region_names"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="cooperationproject",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="cooperationproject",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="cooperationproject",
            name="original",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="translations",
                to="portal.cooperationproject",
                verbose_name="original",
            ),
        ),
    ]
