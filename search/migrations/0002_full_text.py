"""Database-specific full-text structures beside the documents table.

SQLite: an external-content FTS5 table (porter stemming over unicode61) kept in step with the
documents table by triggers, so every write is reflected in the same transaction.
PostgreSQL: a generated, weighted tsvector column (English configuration) with a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, summary, names, body,
        content='search_indexeddocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab('search_fts', 'row')",
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_indexeddocument BEGIN
        INSERT INTO search_fts(rowid, title, summary, names, body)
        VALUES (new.id, new.title, new.summary, new.names, new.body);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_indexeddocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.id, old.title, old.summary, old.names, old.body);
    END""",
    """CREATE TRIGGER search_doc_au AFTER UPDATE ON search_indexeddocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.id, old.title, old.summary, old.names, old.body);
        INSERT INTO search_fts(rowid, title, summary, names, body)
        VALUES (new.id, new.title, new.summary, new.names, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_fts_vocab",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE search_indexeddocument ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(names, '')), 'C')
            || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'D')
        ) STORED""",
    "CREATE INDEX search_doc_vector ON search_indexeddocument USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
