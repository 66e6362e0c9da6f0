"""Contexts like mine: the related practices of a practice page and the "find practices for my
context" form (/practices/context/), ranked by one rule (practices/related.py)."""

import html as html_lib
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import transaction
from wagtail.models import PageViewRestriction

from practices.models import PracticePage
from tests.factories import (
    CountryFactory,
    RegionFactory,
    TargetGroupFactory,
    make_practice,
    make_site,
)
from tests.factories_search import theme
from tests.test_admin import form_data

CONTEXT = "/practices/context/"


def euros(amount):
    return [{"amount": Decimal(amount), "currency": "EUR"}]


@pytest.fixture(scope="module")
def shared_built(django_db_setup, django_db_blocker):
    """Built once per module in a transaction rolled back at the end (as tests/conftest.py's
    shared_corpus); each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.fixture
def built(shared_built, db):
    return shared_built


def build():
    """A practice ("subject") and practices sharing known parts of its context with it."""
    _home, index = make_site()
    es = CountryFactory(code="ES", name="Spain")
    pt = CountryFactory(code="PT", name="Portugal")
    fr = CountryFactory(code="FR", name="France")
    andalucia = RegionFactory(name="Andalucía", slug="andalucia", country=es)
    galicia = RegionFactory(name="Galicia", slug="galicia", country=es)
    older = TargetGroupFactory(name="Older people", slug="older-people")
    homeless = TargetGroupFactory(name="Homeless people", slug="homeless")
    young = TargetGroupFactory(name="Young people", slug="young-people")
    home_care = theme("home care")
    built = {"es": es, "pt": pt, "andalucia": andalucia, "older": older, "young": young}

    def practice(key, **fields):
        built[key] = make_practice(index, **fields)

    practice(
        "subject",
        title="Night visits at home",
        country=es,
        regions=[andalucia],
        target_groups=[older, homeless],
        themes=[home_care],
        budgets=euros(200_000),
        start_year=2016,
    )
    # Same region, one shared group, the theme, the same budget band, started two years later.
    practice(
        "evening",
        title="Evening company",
        country=es,
        regions=[andalucia],
        target_groups=[older],
        themes=[home_care],
        budgets=euros(300_000),
        start_year=2018,
    )
    # Both groups and the country, a budget far away, twenty years apart.
    practice(
        "cafe",
        title="Carers' café",
        country=es,
        regions=[galicia],
        target_groups=[older, homeless],
        budgets=euros(20_000_000),
        start_year=1996,
    )
    # The title's words and a budget in the next band, nothing else.
    practice(
        "young",
        title="Night visits at home for young people",
        country=pt,
        target_groups=[young],
        budgets=euros(600_000),
        start_year=2002,
    )
    practice("theme", title="Meals on wheels", country=fr, themes=[home_care], start_year=1990)
    practice("day", title="Day centre", country=fr, start_year=2020)
    practice("garden", title="Garden club", country=fr, start_year=2021)  # sixth: not shown
    practice("nothing", title="Library cards", country=fr, start_year=1980)
    # As like the subject as can be, but a draft, or private.
    for key, publish in (("draft", False), ("private", True)):
        practice(
            key,
            title=f"Night visits at home ({key})",
            country=es,
            regions=[andalucia],
            target_groups=[older, homeless],
            themes=[home_care],
            budgets=euros(200_000),
            start_year=2016,
            publish=publish,
        )
    PageViewRestriction.objects.create(page=built["private"], restriction_type="login")
    return built


def related_box(html):
    """[(title, reasons)] of the "Practices like this one" box, in order."""
    assert "Practices like this one" in html
    box = html.split("Practices like this one", 1)[1].split("</ol>", 1)[0]
    return cards(box)


def cards(fragment):
    found = re.findall(
        r'<h3><a href="[^"]*">([^<]+)</a></h3>\s*(?:<p class="reasons">'
        r'<span class="visually-hidden">Why: </span>([^<]*)</p>)?',
        fragment,
    )
    return [(html_lib.unescape(title), html_lib.unescape(reasons)) for title, reasons in found]


def test_related_practices_in_order_with_their_reasons(client, built):
    response = client.get(built["subject"].url)
    assert response.status_code == 200
    assert related_box(response.content.decode()) == [
        (
            "Evening company",
            "same target group · same theme · also in Andalucía · similar budget · "
            "similar timescale",
        ),
        ("Carers' café", "same target groups · also in Spain"),
        ("Night visits at home for young people", "similar budget · similar words"),
        ("Meals on wheels", "same theme"),
        ("Day centre", "similar timescale"),
    ]


def test_drafts_and_private_practices_are_never_related(client, built):
    for key in ("subject", "evening", "cafe"):
        html = client.get(built[key].url).content.decode()
        assert "(draft)" not in html and "(private)" not in html
    html = client.get(built["evening"].url).content.decode()
    # The subject itself is related to its neighbours, never to itself.
    titles = [title for title, _reasons in related_box(html)]
    assert titles[0] == "Night visits at home" and "Evening company" not in titles


def test_a_practice_sharing_nothing_has_no_related_box(client, built):
    lone = make_practice(title="Lonely", country=CountryFactory(code="IS", name="Iceland"))
    html = client.get(lone.url).content.decode()
    assert "Practices like this one" not in html


def test_query_count_does_not_grow_with_the_number_of_candidates(
    client, built, django_assert_max_num_queries
):
    url = built["subject"].url
    client.get(url)  # caches filled once per process (site root paths, ...)
    with django_assert_max_num_queries(45) as few:
        client.get(url)
    few = len(few.captured_queries)  # now: the query log is a bounded deque
    # Many more candidates, each sharing much with the subject (the words excepted, so that
    # the search engine answers alike and only the scoring sees more practices).
    for n in range(25):
        make_practice(
            title=f"Evening call {n}",
            country=built["es"],
            regions=[built["andalucia"]],
            target_groups=[built["older"]],
            themes=[theme("home care")],
            budgets=euros(250_000),
            start_year=2015,
        )
    client.get(url)  # the search engine reloads its facet bitmaps once after index changes
    with django_assert_max_num_queries(few):
        html = client.get(url).content.decode()
    assert [title for title, _reasons in related_box(html)][:2] == [
        "Evening call 0",
        "Evening call 1",
    ]


def test_context_form_ranks_the_matching_practice_first_with_reasons(client, built):
    question = {
        "country": "ES",
        "group": ["older-people"],
        "q": "night visits",
        "budget_min": "100000",
        "budget_max": "400000",
    }
    response = client.get(CONTEXT, question)
    assert response.status_code == 200
    html = response.content.decode()
    found = cards(html.split("Practices for your context", 1)[1])
    assert found[0] == (
        "Night visits at home",
        "same target group · also in Spain · similar budget · matches your words",
    )
    assert found[1] == ("Evening company", "same target group · also in Spain · similar budget")
    titles = [title for title, _reasons in found]
    assert "Library cards" not in titles
    assert not any("(draft)" in title or "(private)" in title for title in titles)


def test_a_region_brings_its_country_and_ranks_its_practices_higher(client, built):
    html = client.get(CONTEXT, {"region": "andalucia"}).content.decode()
    found = cards(html.split("Practices for your context", 1)[1])
    assert [title for title, _ in found] == [
        "Evening company",
        "Night visits at home",
        "Carers' café",
    ]
    assert found[0][1] == "also in Andalucía" and found[2][1] == "also in Spain"


def test_the_answer_url_holds_the_whole_question(client, built):
    question = [
        ("country", "ES"),
        ("group", "older-people"),
        ("group", "homeless"),
        ("q", "night visits"),
        ("budget_min", "100000"),
        ("budget_max", ""),
    ]
    url = CONTEXT + "?" + urlencode(question)
    first = client.get(url).content.decode()
    # The form shows the whole question again: sending it as it stands asks the same.
    assert '<option value="ES" selected>Spain</option>' in first
    assert re.search(r'value="older-people"[^>]*checked', first)
    assert re.search(r'value="homeless"[^>]*checked', first)
    assert not re.search(r'value="young-people"[^>]*checked', first)
    assert re.search(r">\s*night visits</textarea>", first)
    assert 'name="budget_min" value="100000"' in first
    # Its link to itself is the same address, and following it gives the same answer.
    share = re.search(r'<a href="([^"]+)" class="share-link">', first).group(1)
    assert html_lib.unescape(share) == url
    again = client.get(html_lib.unescape(share)).content.decode()
    assert cards(again) == cards(first) and cards(first)


def test_bad_input_shows_errors_and_keeps_what_was_typed(client, built):
    response = client.get(
        CONTEXT,
        {
            "country": "XX",
            "group": ["older-people", "no-such-group"],
            "q": "night visits",
            "budget_min": "abc",
            "budget_max": "9" * 30,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert html.count("Enter a whole number of euros, e.g. 250000.") == 2
    assert re.search(r">\s*night visits</textarea>", html)
    assert 'name="budget_min" value="abc"' in html
    assert f'name="budget_max" value="{"9" * 30}"' in html
    assert "Practices for your context" not in html


@pytest.mark.parametrize(
    ("question", "error"),
    [
        ({"country": "PT", "region": "andalucia"}, "Andalucía is not in Portugal."),
        (
            {"budget_min": "500000", "budget_max": "1000"},
            "The upper budget must not be below the lower one.",
        ),
        ({"q": "", "budget_min": ""}, "Tell us at least one thing"),
        ({"q": "x" * 300}, "Ensure this value has at most 200 characters"),
        ({"q": "night\x00visits", "budget_min": "-5"}, "Enter a whole number of euros"),
    ],
)
def test_each_bad_question_gets_its_error(client, built, question, error):
    response = client.get(CONTEXT, question)
    assert response.status_code == 200
    html = html_lib.unescape(response.content.decode())
    assert error in html
    assert "Practices for your context" not in html


def test_a_first_visit_shows_the_form_alone(client, built):
    response = client.get(CONTEXT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Find practices for my context" in html
    assert 'aria-label="Breadcrumb"' in html and 'href="/practices/"' in html
    assert "errorlist" not in html and "Practices for your context" not in html


def test_budgets_with_separators_are_understood(client, built):
    html = client.get(CONTEXT, {"budget_min": "250 000", "budget_max": "€300,000"}).content
    found = cards(html.decode().split("Practices for your context", 1)[1])
    assert ("Evening company", "similar budget") in found


def test_context_form_is_linked_from_home_and_search_pages(client, built):
    link = f'<a href="{CONTEXT}">Find practices for my context</a>'
    assert link in client.get("/").content.decode()
    assert link in client.get("/search/").content.decode()
    assert link in client.get("/search/", {"q": "night"}).content.decode()


@pytest.mark.django_db
def test_a_practice_cannot_take_the_slug_of_the_context_page(admin_client, built):
    subject = built["subject"]
    index = subject.get_parent()
    add_url = f"/admin/pages/add/practices/practicepage/{index.pk}/"
    data = form_data(admin_client, add_url)
    data.update(
        {
            "title": "Context",
            "slug": "context",
            "summary": "Typed summary.",
            "country": subject.country_id,
            "lead_organisation": subject.lead_organisation_id,
            "status": "ongoing",
        }
    )
    response = admin_client.post(add_url, data)
    assert response.status_code == 200
    assert "is taken by a page of the portal" in response.content.decode()
    assert not PracticePage.objects.filter(slug="context").exists()
