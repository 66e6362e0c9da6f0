import pytest

from tests.factories import UserFactory, make_site


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
