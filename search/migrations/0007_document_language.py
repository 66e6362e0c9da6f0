"""Each indexed document's language, and on PostgreSQL its vectors built with that
language's text search configuration (search/languages.py: Czech and Bulgarian, which
PostgreSQL cannot stem, with ``simple``) instead of English for every row. The three
generated vectors are made again (a generated column's expression cannot be altered), with
their GIN indexes and, where the RUM extension is installed, the phrase index."""

from django.db import migrations, models

# The configurations as of this migration (search/languages.py ANALYSES, "postgres").
CONFIGS = {
    "en": "english",
    "es": "spanish",
    "it": "italian",
    "fr": "french",
    "ro": "romanian",
    "fi": "finnish",
    "cs": "simple",
    "nl": "dutch",
    "bg": "simple",
    "da": "danish",
    "de": "german",
}
CASES = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in CONFIGS.items())
FUNCTION = f"""CREATE OR REPLACE FUNCTION search_ts_config(code text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (CASE code {CASES} ELSE 'english' END)::regconfig $$"""


def _vectors(config):
    def vector(column, weight):
        return f"setweight(to_tsvector({config}, coalesce({column}, '')), '{weight}')"

    columns = {
        "search_vector": [("title", "A"), ("summary", "B"), ("names", "C"), ("body", "D")],
        "title_vector": [("title", "A")],
        "head_vector": [("title", "A"), ("summary", "B"), ("names", "C")],
    }
    statements = [
        f"ALTER TABLE search_indexeddocument DROP COLUMN {name}" for name in columns
    ]
    for name, parts in columns.items():
        expression = " || ".join(vector(column, weight) for column, weight in parts)
        statements.append(
            f"ALTER TABLE search_indexeddocument ADD COLUMN {name} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
    statements += [
        "CREATE INDEX search_doc_vector ON search_indexeddocument USING GIN (search_vector)",
        "CREATE INDEX search_doc_title_vector ON search_indexeddocument USING GIN (title_vector)",
        "CREATE INDEX search_doc_head_vector ON search_indexeddocument USING GIN (head_vector)",
    ]
    return statements


PHRASE_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_doc_phrase_rum ON search_indexeddocument USING rum "
    "((coalesce(search_vector, ''::tsvector)) rum_tsvector_ops)"
)


# SQLite: adding the column remakes the documents table, which drops its triggers; the FTS5
# table's (migration 0002) are made again, as they were.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS search_doc_ai AFTER INSERT ON search_indexeddocument BEGIN
        INSERT INTO search_fts(rowid, title, summary, names, body)
        VALUES (new.id, new.title, new.summary, new.names, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_doc_ad AFTER DELETE ON search_indexeddocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.id, old.title, old.summary, old.names, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_doc_au AFTER UPDATE ON search_indexeddocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.id, old.title, old.summary, old.names, old.body);
        INSERT INTO search_fts(rowid, title, summary, names, body)
        VALUES (new.id, new.title, new.summary, new.names, new.body);
    END""",
]


def _sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
            rum = cursor.fetchone() is not None
        for statement in statements:
            schema_editor.execute(statement)
        if rum:  # dropped with the column
            schema_editor.execute(PHRASE_INDEX)

    return run


FORWARD = [FUNCTION, *_vectors("search_ts_config(language)")]
BACKWARD = [*_vectors("'english'::regconfig"), "DROP FUNCTION IF EXISTS search_ts_config(text)"]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_index_changes_for_incremental_facets")]

    operations = [
        migrations.AddField(
            model_name="indexeddocument",
            name="language",
            field=models.CharField(default="en", max_length=12, verbose_name="language"),
        ),
        migrations.RunPython(_sqlite_triggers, _sqlite_triggers),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
