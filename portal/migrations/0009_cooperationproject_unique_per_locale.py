"""A cooperation project's acronym and slug are unique per locale (its translations share
them); each project has one version per locale."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_cooperationproject_locales_and_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cooperationproject",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="cooperationproject",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="cooperationproject",
            name="acronym",
            field=models.CharField(max_length=40, verbose_name="acronym"),
        ),
        migrations.AlterField(
            model_name="cooperationproject",
            name="slug",
            field=models.SlugField(max_length=60, verbose_name="slug"),
        ),
        migrations.AlterUniqueTogether(
            name="cooperationproject",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AddConstraint(
            model_name="cooperationproject",
            constraint=models.UniqueConstraint(
                fields=("acronym", "locale"), name="unique_project_acronym_per_locale"
            ),
        ),
        migrations.AddConstraint(
            model_name="cooperationproject",
            constraint=models.UniqueConstraint(
                fields=("slug", "locale"), name="unique_project_slug_per_locale"
            ),
        ),
    ]
