import io

import pytest
from django.db import transaction

from tests.factories import UserFactory, make_site
from tests.factories_search import make_search_corpus


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` as pytest-xdist means it: pytest-xdist 3.8 marks a test's group by
    appending "@group" to ``item._nodeid``, which pytest 9 no longer reads (the id lives in
    ``item._id``), so every ``xdist_group`` mark was ignored and a group's module-scoped
    fixtures (test_serve's server, the shared demo content) were built on both workers. Done
    here the way pytest-xdist does it; skipped once pytest-xdist's own suffix shows."""
    if not (hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        groups = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if groups and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(sorted(groups))}")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in another language leaves that
    language active in the thread (LocaleMiddleware activates it and nothing deactivates it),
    and the next test's fixtures would build their translated labels in it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Nothing cached by one test (rate-limit counters, rendered pages) leaks into the next."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def site_pages(db):
    """(home, practice index) of a fresh default site."""
    return make_site()


@pytest.fixture
def home(site_pages):
    return site_pages[0]


@pytest.fixture
def practice_index(site_pages):
    return site_pages[1]


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(superuser):
    """A logged-in superuser's client, separate from the anonymous ``client``."""
    from django.test import Client

    logged_in = Client()
    logged_in.force_login(superuser)
    return logged_in


@pytest.fixture(scope="module")
def shared_corpus(django_db_setup, django_db_blocker):
    """The search corpus (tests/factories_search.py), built once per module inside a
    transaction rolled back at the end; each test runs in a savepoint within it, so changes
    made by a test are undone after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        corpus = make_search_corpus()
        yield corpus
        transaction.set_rollback(True)


@pytest.fixture
def corpus(shared_corpus, db):
    return shared_corpus


@pytest.fixture(scope="module")
def shared_demo_content(django_db_setup, django_db_blocker):
    """`manage.py load_demo_content`, run once per module (it takes seconds) inside a
    transaction rolled back at the end, like ``shared_corpus``: each test runs in a savepoint
    within it, so what a test changes is undone after it. Only for modules whose tests all
    start from the demo content: a test of the module that runs after the first one using it
    sees the demo content too."""
    from django.core.management import call_command

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_content", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_content(shared_demo_content, db):
    """The demo content, loaded once for the module (see ``shared_demo_content``)."""
