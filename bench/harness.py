"""What every benchmark here needs: a throwaway database, Django set up on it under the test
settings, and a SearchQuery built the way the search page builds one.

Import it as ``bench.harness`` (``bench/`` is a namespace package once the project root is
on ``sys.path``, which each benchmark script puts there first)."""

import os


def _remove_sqlite_files(url):
    path = url[len("sqlite:///") :]
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def _postgres(url, *statements):
    """Run statements on the server's maintenance database, beside the one ``url`` names."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.format(name=name))


def fresh_database(url):
    """Empty the database at ``url``: SQLite files are removed, a PostgreSQL database is
    dropped and created again."""
    if url.startswith("sqlite:///"):
        _remove_sqlite_files(url)
    elif url.startswith("postgres"):
        _postgres(url, 'DROP DATABASE IF EXISTS "{name}"', 'CREATE DATABASE "{name}"')


def drop_database(url):
    """Remove the database at ``url`` once done with it, closing Django's connections."""
    from django.db import connections

    connections.close_all()
    if url.startswith("sqlite:///"):
        _remove_sqlite_files(url)
    elif url.startswith("postgres"):
        _postgres(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url):
    """Django under the test settings on ``url``, migrated."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def to_query(params):
    """A SearchQuery from a dict of parameters (a list for a repeated one), as the search
    view reads request.GET."""
    from django.http import QueryDict

    from search.query import SearchQuery

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return SearchQuery.from_params(data)
