"""An index in the order /practices/ lists practices (newest first, then title, then id),
on Wagtail's page table where those columns live: pages of the listing are read by walking
it (portal.pagination.SeekPaginator) instead of sorting every practice."""

from django.db import migrations

INDEX = "practices_listing_order"


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0004_practicepage_related_scoring_index"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page "
            "(first_published_at DESC, title, id)",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
