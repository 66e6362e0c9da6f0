"""PostgreSQL: the title and the title/summary/names as tsvectors of their own, each with a
GIN index, so the first relevance tiers are found and ranked without reading the body's
(large, TOASTed) vector; and indexes matching the field orders with NULLs last. SQLite needs
nothing: FTS5 column filters do the same, and its indexes on the fields serve the orders."""

from django.db import migrations

POSTGRES_FORWARD = [
    """ALTER TABLE search_indexeddocument ADD COLUMN title_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        ) STORED""",
    """ALTER TABLE search_indexeddocument ADD COLUMN head_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(names, '')), 'C')
        ) STORED""",
    "CREATE INDEX search_doc_title_vector ON search_indexeddocument USING GIN (title_vector)",
    "CREATE INDEX search_doc_head_vector ON search_indexeddocument USING GIN (head_vector)",
    """CREATE INDEX search_doc_budget_order
        ON search_indexeddocument (budget_eur DESC NULLS LAST, id DESC)""",
    """CREATE INDEX search_doc_start_order
        ON search_indexeddocument (start_year DESC NULLS LAST, id DESC)""",
    """CREATE INDEX search_doc_newest_order
        ON search_indexeddocument (published_at DESC NULLS LAST, id DESC)""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_newest_order",
    "DROP INDEX IF EXISTS search_doc_start_order",
    "DROP INDEX IF EXISTS search_doc_budget_order",
    "DROP INDEX IF EXISTS search_doc_head_vector",
    "DROP INDEX IF EXISTS search_doc_title_vector",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS head_vector",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS title_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_index_state")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
