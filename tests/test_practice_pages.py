from decimal import Decimal

import pytest

from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    RegionFactory,
    TargetGroupFactory,
    make_practice,
)


def _practices(index, n):
    country = CountryFactory(code="ES", name="Spain")
    region = RegionFactory(country=country)
    group = TargetGroupFactory()
    project = CooperationProjectFactory()
    for i in range(n):
        make_practice(
            index,
            title=f"Practice {i}",
            country=country,
            regions=[region],
            project=project,
            target_groups=[group],
            themes=["housing", "employment"],
            budgets=[{"amount": Decimal(1000 * (i + 1)), "currency": "EUR"}],
        )


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_index_query_count_does_not_grow_with_practices(
    client, practice_index, django_assert_max_num_queries
):
    _practices(practice_index, 2)
    client.get("/practices/")  # warm Wagtail's site-root cache so both counts compare alike
    few = _count_queries(client, "/practices/", django_assert_max_num_queries, 20)
    _practices(practice_index, 10)
    # The map asks the search, which reloads its facet bitmaps once after an index change.
    client.get("/practices/")
    many = _count_queries(client, "/practices/", django_assert_max_num_queries, 20)
    assert many == few


def test_index_paginates_and_survives_bad_page_numbers(client, practice_index, settings):
    settings.PORTAL_PAGE_SIZE = 2
    _practices(practice_index, 5)
    assert client.get("/practices/").context["practices"].paginator.num_pages == 3
    for junk in ["abc", "-1", "99", "1.5", "%00", ""]:
        response = client.get("/practices/", {"page": junk})
        assert response.status_code == 200
    assert client.get("/practices/", {"page": "99"}).context["practices"].number == 3
    assert 'rel="next"' in client.get("/practices/").content.decode()


def test_practice_page_shows_the_record(client, practice_index):
    page = make_practice(
        practice_index,
        title="Vamos",
        start_year=2012,
        status="ongoing",
        budgets=[{"amount": Decimal("2500000"), "currency": "EUR", "period": "year", "year": 2014}],
        outcomes=[{"label": "Young people reached", "value": Decimal(1400), "unit": "youths"}],
        context="Young people *at risk*.",
        practice="Outreach work.",
    )
    html = client.get(page.url).content.decode()
    for text in [
        "Vamos",
        "€2,500,000",
        "in 2014",
        "1,400",
        "Young people reached",
        "<em>at risk</em>",
        "2012–",
        "ongoing",
        "print.css",
    ]:
        assert text in html, text


def test_private_contacts_are_hidden_from_visitors_but_shown_to_editors(
    client, admin_client, practice_index
):
    from practices.models import PracticeContact

    page = make_practice(practice_index)
    PracticeContact.objects.create(practice=page, name="Public Person", public=True)
    PracticeContact.objects.create(practice=page, name="Private Person", public=False)
    visitor = client.get(page.url).content.decode()
    assert "Public Person" in visitor and "Private Person" not in visitor
    editor = admin_client.get(page.url).content.decode()
    assert "Private Person" in editor


@pytest.mark.parametrize(
    "payload, forbidden",
    [
        ("<script>alert(1)</script>", "<script>alert"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:alert"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:alert"),
        ('<p onclick="steal()">hi</p>', "steal()"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html"),
    ],
)
def test_markdown_is_sanitised_on_the_page(client, practice_index, payload, forbidden):
    page = make_practice(practice_index, context=f"Before {payload} after", evidence=payload)
    html = client.get(page.url).content.decode()
    assert "Before" in html
    assert forbidden not in html


def test_home_page_shows_newest_practices_and_counts(client, practice_index):
    make_practice(practice_index, title="Newest practice here")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Newest practice here" in html
    assert "good practices" in html


def test_region_and_project_pages_list_their_practices(client, practice_index):
    country = CountryFactory(code="IT", name="Italy")
    region = RegionFactory(country=country, name="Lombardia", slug="lombardia")
    project = CooperationProjectFactory(acronym="NEAR", slug="near")
    make_practice(
        practice_index, title="Social caretaker", country=country, regions=[region], project=project
    )
    assert "Social caretaker" in client.get("/regions/lombardia/").content.decode()
    assert "Social caretaker" in client.get("/projects/near/").content.decode()
    assert "Lombardia" in client.get("/regions/").content.decode()
    assert client.get("/regions/nowhere/").status_code == 404
    assert client.get("/projects/", {"page": "zzz"}).status_code == 200


def test_unpublished_practice_is_not_listed_or_served(client, practice_index):
    page = make_practice(practice_index, title="Secret draft", publish=False)
    assert "Secret draft" not in client.get("/practices/").content.decode()
    assert client.get(f"/practices/{page.slug}/").status_code == 404


def test_index_pages_list_every_practice_once_in_order_even_when_sort_keys_tie(
    client, practice_index, settings, django_assert_max_num_queries
):
    """Pages are read by their ids, the second half from the other end
    (portal.pagination.SeekPaginator): walking every page gives each practice exactly once,
    in the listing's order (newest first, then title, then id), with ties in date and title."""
    import re

    from django.utils import timezone

    from practices.models import PracticePage

    settings.PORTAL_PAGE_SIZE = 3
    _practices(practice_index, 11)
    same = timezone.now().replace(microsecond=0)
    pages = list(PracticePage.objects.order_by("pk"))
    for n, practice in enumerate(pages):
        # Three groups of equal dates, titles repeated within them.
        PracticePage.objects.filter(pk=practice.pk).update(
            first_published_at=same - timezone.timedelta(days=n % 3), title=f"Same {n % 2}"
        )

    def order(p):
        return (-p.first_published_at.timestamp(), p.title, p.pk)

    expected = [p.url for p in sorted(PracticePage.objects.all(), key=order)]

    walked = []
    for number in range(1, 5):
        # 25, not 20: the first request after the updates above also reloads the search's
        # facet bitmaps for the map's counts (portal/maps.py), Wagtail's site root and the
        # footer's legal links (the view restrictions, then the pages); warm,
        # every page costs 17-19 queries, with 11 practices or 31 alike.
        with django_assert_max_num_queries(25):
            response = client.get("/practices/", {"page": number})
        html = response.content.decode()
        cards = re.findall(r'<h3[^>]*><a href="([^"]+)"', html)
        assert len(cards) == (3 if number < 4 else 2)
        walked += cards
    assert walked == expected
    assert len(set(walked)) == 11
    # Past the end: the last page.
    assert client.get("/practices/", {"page": 40}).context["practices"].number == 4
