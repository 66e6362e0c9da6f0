"""Set-up promises: demo accounts, SQLite tuning, factories, page-tree rules."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from portal.models import HomePage
from practices.models import PracticeIndexPage, PracticePage
from tests.factories import (
    CooperationProjectFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    make_practice,
)


@pytest.mark.django_db
def test_demo_superuser_only_when_none_exists(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    assert "admin" in out.getvalue() and "changeme-demo" in out.getvalue()
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert "changeme-demo" not in out.getvalue()


@pytest.mark.django_db
def test_passwords_are_not_printed_outside_development(settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    assert "changeme-demo" not in out.getvalue()


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific settings; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA journal_mode")
        # An in-memory test database cannot use WAL; a file database does.
        assert cursor.fetchone()[0] in ("wal", "memory")


def test_factories_build_consistent_objects(practice_index):
    region = RegionFactory()
    assert OrganisationFactory(country=region.country).country == region.country
    assert CooperationProjectFactory().get_absolute_url().startswith("/projects/")
    page = make_practice(
        practice_index,
        country=region.country,
        regions=[region],
        target_groups=[TargetGroupFactory()],
        themes=["housing"],
    )
    assert page.live and page.get_parent().specific == practice_index
    assert [t.name for t in page.themes.all()] == ["housing"]


def test_page_tree_rules(practice_index):
    assert PracticePage.can_create_at(practice_index)
    assert not PracticePage.can_create_at(practice_index.get_parent())
    assert PracticeIndexPage.parent_page_types == ["portal.HomePage"]
    assert HomePage.max_count == 1
