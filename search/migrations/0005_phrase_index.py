"""PostgreSQL: phrases answered by an index when the RUM extension is installed.

A GIN index on a tsvector knows which documents hold each word, not where: for a quoted
phrase, PostgreSQL re-reads every document that holds all its words to check the positions
(~330 ms for "older people" at 50,000 practices). A RUM index keeps the positions and
answers the phrase itself (~30 ms). RUM is a server package (Debian: postgresql-15-rum),
not part of core PostgreSQL; without it, or without the right to create the extension,
this migration does nothing and phrases are slower. Run it again (migrate search 0004,
then migrate) after installing the package.
"""

from django.db import migrations, transaction

# As PHRASE_INDEX and PHRASE_VECTOR in search/engines/embedded.py (a rebuild copies the index
# from the catalogue): on an expression, so that the planner uses it for phrases only (GIN
# is faster for words).
INDEX = "search_doc_phrase_rum"
INDEX_SQL = (
    "ON search_indexeddocument USING rum "
    "((coalesce(search_vector, ''::tsvector)) rum_tsvector_ops)"
)


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
        try:
            # A savepoint: a refused CREATE EXTENSION must not abort the migration.
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except Exception as exc:  # noqa: BLE001 - any refusal means: no RUM here
            print(f"\n  search: RUM extension not created ({exc}); phrases use the GIN index.")
            return
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} {INDEX_SQL}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_tier_vectors")]

    operations = [migrations.RunPython(forward, backward)]
