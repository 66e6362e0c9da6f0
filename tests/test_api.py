"""/api/v1/practices/ through HTTP: the search in JSON, the full record, errors, query counts
(the other record types, headers and rate limit: tests/test_api_records.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Workflow, WorkflowTask

from practices.models import PracticeContact, PracticeLink
from practices.validation import PracticeValidationState, PracticeValidationTask
from search.engines.bitmaps import bump_token
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    UserFactory,
    make_practice,
)
from tests.factories_events import make_study_visit
from tests.factories_search import theme

pytestmark = pytest.mark.django_db

LIST = "/api/v1/practices/"


def detail_url(page):
    return f"/api/v1/practices/{page.pk}/"


def titles(data):
    return [item["title"] for item in data["results"]]


def facet_counts(facets, skip=("type",)):
    return {
        facet["key"]: {(v["value"], v["count"], v["selected"]) for v in facet["values"]}
        for facet in facets
        if facet["key"] not in skip
    }


def test_list_answers_a_word_query_with_practices_and_facets(client, corpus, settings):
    # Two practices hold both words: with search pages of two they fill one, so no partial
    # tier follows (whatever the API's own page size).
    settings.PORTAL_SEARCH_PAGE_SIZE = 2
    response = client.get(LIST, {"q": "older people"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["count"] == 2 and data["page"] == 1 and data["num_pages"] == 1
    assert data["count_all_words"] == 2
    assert data["next"] is None and data["previous"] is None
    assert sorted(titles(data)) == ["Help at Home", "Social caretakers in public housing"]
    assert {item["match"] for item in data["results"]} == {"all"}
    countries = facet_counts(data["facets"])["country"]
    assert countries == {("BG", 1, False), ("IT", 1, False)}
    assert "type" not in {facet["key"] for facet in data["facets"]}
    labels = {facet["key"]: facet["label"] for facet in data["facets"]}
    assert labels["country"] == "Country" and labels["target_group"] == "Target group"


def test_list_says_which_practices_hold_every_word(client, corpus):
    """Fewer than a page hold "older people employment": those holding only some follow,
    marked "match": "some", and counted in count (not in count_all_words)."""
    data = client.get(LIST, {"q": "older people employment"}).json()
    assert [(item["title"], item["match"]) for item in data["results"]][:1] == [
        ("Help at Home", "all")
    ]
    assert data["count"] == 4 and data["count_all_words"] == 1
    assert {item["match"] for item in data["results"][1:]} == {"some"}
    page = client.get("/search/", {"q": "older people employment", "type": "practice"})
    assert titles(data) == [hit.title for hit in page.context["hits"]]
    assert facet_counts(data["facets"]) == facet_counts(page.context["facets"])


def test_list_item_carries_the_structured_fields(client, corpus):
    caretaker = corpus["caretaker"]
    data = client.get(LIST, {"q": "caretakers"}).json()
    assert data["results"] == [
        {
            "id": caretaker.pk,
            "title": "Social caretakers in public housing",
            "url": caretaker.get_full_url(),
            "summary": "Caretakers check on older people living alone in Milan's public housing.",
            # Without ?lang= every record is its original, and says so.
            "language": {
                "code": "en",
                "original": True,
                "translation": None,
                "reviewed": None,
                "original_id": caretaker.pk,
                "original_url": caretaker.get_full_url(),
            },
            "country": {"code": "IT", "name": "Italy"},
            "regions": ["Lombardia"],
            "lead_organisation": "Comune di Milano",
            "status": "ongoing",
            "start_year": 2000,
            "end_year": None,
            "budget_eur": 2_000_000,
            "themes": ["housing"],
            "target_groups": ["Older people"],
            "project": "Project NEAR",
            "partner_organisations": [],
            "funding_programme": {"code": "interreg-europe", "label": "Interreg Europe"},
            "budgets": [
                {
                    "amount": "2000000.00",
                    "currency": "EUR",
                    "period": "",
                    "year": None,
                    "funding_sources": "",
                    "label": "€2,000,000",
                }
            ],
            "outcomes": [],
            "first_published_at": data["results"][0]["first_published_at"],
            "last_published_at": data["results"][0]["last_published_at"],
            "detail": f"http://localhost/api/v1/practices/{caretaker.pk}/",
            "match": "all",
        }
    ]
    published = datetime.datetime.fromisoformat(data["results"][0]["first_published_at"])
    assert published == caretaker.first_published_at.replace(microsecond=published.microsecond)
    assert data["results"][0]["url"].startswith("http")
    # The detail link works.
    assert client.get(data["results"][0]["detail"]).json()["title"] == caretaker.title


@pytest.mark.parametrize(
    "params",
    [
        {"q": "older", "country": "IT"},
        {"country": ["IT", "ES"], "theme": "employment"},
        {"q": "people", "status": "ongoing", "budget": "1m-5m"},
        {"target_group": "older-people", "start": "before-2010"},
    ],
)
def test_facets_have_the_search_page_semantics(client, corpus, params):
    """Same hits and the same counts as /search/ restricted to practices: values OR-ed within
    a facet, facets AND-ed, each facet counted with the other facets' selections."""
    data = client.get(LIST, params).json()
    page = client.get("/search/", {**params, "type": "practice"})
    assert data["count"] == page.context["results"].total
    assert sorted(titles(data)) == sorted(hit.title for hit in page.context["hits"])
    assert facet_counts(data["facets"]) == facet_counts(page.context["facets"])


def test_facet_selection_filters_and_is_marked(client, corpus):
    data = client.get(LIST, {"q": "older", "country": "IT"}).json()
    assert titles(data) == ["Social caretakers in public housing"]
    countries = facet_counts(data["facets"])["country"]
    # Italy selected; Bulgaria still counted (the country facet ignores its own selection).
    assert countries == {("IT", 1, True), ("BG", 1, False)}


def test_list_holds_practices_only_whatever_the_type_parameter(client, corpus):
    make_study_visit(title="Study visit to older people's homes", summary="Older people.")
    assert client.get("/search/", {"q": "older"}).context["results"].total == 3
    for params in ({"q": "older"}, {"q": "older", "type": "event"}):
        data = client.get(LIST, params).json()
        assert data["count"] == 2
        assert "Study visit to older people's homes" not in titles(data)


def test_pagination_links_walk_the_pages(client, corpus):
    first = client.get(LIST, {"country": ["IT", "ES", "BG"], "sort": "budget", "per_page": 2})
    data = first.json()
    assert (data["count"], data["page"], data["num_pages"]) == (4, 1, 2)
    assert titles(data) == ["Help at Home", "Social caretakers in public housing"]
    assert data["previous"] is None
    assert data["next"] == (
        "http://localhost/api/v1/practices/"
        "?country=IT&country=ES&country=BG&sort=budget&per_page=2&page=2"
    )
    second = client.get(data["next"]).json()
    assert second["page"] == 2
    assert titles(second) == ["Youth guarantee pathways", "Food bank network"]
    assert second["next"] is None
    assert second["previous"] == (
        "http://localhost/api/v1/practices/?country=IT&country=ES&country=BG&sort=budget&per_page=2"
    )
    assert client.get(second["previous"]).json() == data


def test_results_keep_the_search_order(client, corpus):
    data = client.get(LIST, {"sort": "start_year"}).json()
    assert titles(data) == [
        "Youth guarantee pathways",
        "Food bank network",
        "Help at Home",
        "Inclusion of adults with ADHD",
        "Social caretakers in public housing",
    ]
    page = client.get("/search/", {"sort": "start_year", "type": "practice"})
    assert titles(data) == [hit.title for hit in page.context["hits"]]


def test_a_page_past_the_end_gives_the_last_page(client, corpus):
    data = client.get(LIST, {"per_page": 2, "page": 99}).json()
    assert (data["page"], data["num_pages"], len(data["results"])) == (3, 3, 1)
    assert data["next"] is None
    assert data["previous"] == "http://localhost/api/v1/practices/?per_page=2&page=2"


@pytest.mark.parametrize(
    ("per_page", "expected_size", "expected_pages"),
    [(None, 20, 1), ("1", 1, 5), ("2", 2, 3), ("100", 100, 1)],
)
def test_per_page_sets_the_page_size(client, corpus, per_page, expected_size, expected_pages):
    params = {} if per_page is None else {"per_page": per_page}
    data = client.get(LIST, params).json()
    assert data["num_pages"] == expected_pages
    assert len(data["results"]) == min(expected_size, 5)
    # The links carry the size only when it is not the default.
    if data["next"]:
        assert f"per_page={expected_size}&" in data["next"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "-5"}, "per_page"),
        ({"per_page": "1000"}, "per_page"),
        ({"per_page": "abc"}, "per_page"),
        ({"per_page": "99999999999999999999999"}, "per_page"),
        ({"page": "abc"}, "page"),
        ({"page": "-3"}, "page"),
        ({"page": "99999999999999999999"}, "page"),
        ({"sort": "zzz"}, "sort"),
        ({"exact": "yes"}, "exact"),
        ({"q": "x" * 5000}, "q"),
    ],
)
def test_out_of_range_parameters_get_a_json_422(client, corpus, params, field):
    """A number or choice out of its range is refused, saying which parameter and why."""
    response = client.get(LIST, params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    problems = response.json()["detail"]
    assert [problem["loc"] for problem in problems] == [["query", field]]
    assert all(problem["msg"] for problem in problems)


@pytest.mark.parametrize(
    "params",
    [
        {"country": "\x00", "region": "'; drop table"},
        {"q": '"unbalanced quote -', "region": "'; drop table"},
        {"q": "\x00\ud7ff", "country": "I\x00T", "budget": "-5", "start": "1990-'2000"},
        {"type": "event", "sort": "relevance"},
        {"unknown": "1", "page": "99"},
    ],
)
def test_junk_words_and_facet_values_never_error(client, corpus, params):
    """Words and facet values are free text: junk finds nothing, never an error."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["engine"] == response["X-Search-Engine"] == "embedded"
    assert set(response.json()) == {
        "engine",
        "count",
        "count_all_words",
        "page",
        "num_pages",
        "next",
        "previous",
        "results",
        "facets",
        "also_searched",
    }


@pytest.fixture
def full_practice(corpus):
    """A practice with every part of the record filled in, two contacts of which one private."""
    country = CountryFactory(code="PT", name="Portugal")
    return make_practice(
        title="Community kitchens",
        summary="Neighbourhood kitchens cook with and for people at risk of poverty.",
        country=country,
        regions=[RegionFactory(name="Norte", slug="norte", country=country)],
        lead_organisation=OrganisationFactory(name="Câmara Municipal do Porto", country=country),
        partners=[
            OrganisationFactory(name="Banco Alimentar do Porto", country=country),
            OrganisationFactory(name="Associação Cozinha Comum", country=country),
        ],
        project=CooperationProjectFactory(
            acronym="KITCH", name="Kitchens for all", programme="easi"
        ),
        funding_programme="esf",
        themes=[theme("poverty"), theme("food")],
        target_groups=[TargetGroupFactory(name="Homeless people", slug="homeless")],
        status="completed",
        start_year=2016,
        end_year=2020,
        context="Many households **skip meals**.",
        practice="Kitchens open [every day](https://example.org/days).",
        evidence="1,200 meals a week.",
        budgets=[
            {"amount": Decimal("250000.50"), "currency": "EUR", "period": "total"},
            {
                "amount": Decimal(90000),
                "currency": "GBP",
                "period": "2019",
                "funding_sources": "Lottery",
            },
        ],
        outcomes=[
            {"label": "Meals served", "value": Decimal(62000), "unit": "meals", "year": 2019},
            {"label": "Volunteers", "value": Decimal("140.5")},
        ],
        links=[PracticeLink(title="Project site", url="https://example.org/kitchens")],
        contacts=[
            PracticeContact(
                name="Rita Sousa",
                role="Coordinator",
                organisation="Câmara Municipal do Porto",
                email="rita@example.org",
                phone="+351 222 000 111",
                public=True,
                consent_date=datetime.date(2024, 1, 5),
            ),
            PracticeContact(
                name="Hidden Person",
                role="Cook",
                email="hidden@example.org",
                phone="+351 999 999 999",
                public=False,
            ),
        ],
    )


def test_detail_gives_the_full_record(client, full_practice):
    response = client.get(detail_url(full_practice))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["id"] == full_practice.pk and data["title"] == "Community kitchens"
    assert data["url"] == full_practice.get_full_url()
    assert data["detail"] == f"http://localhost{detail_url(full_practice)}"
    assert data["country"] == {"code": "PT", "name": "Portugal"}
    assert data["regions"] == ["Norte"]
    assert data["lead_organisation"] == "Câmara Municipal do Porto"
    assert data["partner_organisations"] == [
        "Associação Cozinha Comum",
        "Banco Alimentar do Porto",
    ]
    assert data["themes"] == ["food", "poverty"]
    assert data["target_groups"] == ["Homeless people"]
    assert data["project"] == "Kitchens for all"
    assert (data["status"], data["start_year"], data["end_year"]) == ("completed", 2016, 2020)
    assert data["budget_eur"] == 250000.5
    # The practice's own programme wins over its project's.
    assert data["funding_programme"] == {"code": "esf", "label": "European Social Fund"}
    assert data["narrative"] == {
        "context": "Many households **skip meals**.",
        "practice": "Kitchens open [every day](https://example.org/days).",
        "resources": "",
        "evidence": "1,200 meals a week.",
        "difficulties": "",
        "transferability": "",
    }
    assert data["budgets"] == [
        {
            "amount": "250000.50",
            "currency": "EUR",
            "period": "total",
            "year": None,
            "funding_sources": "",
            "label": "€250,000.50 in total",
        },
        {
            "amount": "90000.00",
            "currency": "GBP",
            "period": "2019",
            "year": None,
            "funding_sources": "Lottery",
            "label": "£90,000 2019",
        },
    ]
    assert data["outcomes"] == [
        {"label": "Meals served", "value": "62000.00", "unit": "meals", "year": 2019},
        {"label": "Volunteers", "value": "140.50", "unit": "", "year": None},
    ]
    assert data["links"] == [{"title": "Project site", "url": "https://example.org/kitchens"}]
    assert data["validation"] is None
    published = full_practice.first_published_at
    assert datetime.datetime.fromisoformat(data["first_published_at"]) == published.replace(
        microsecond=published.microsecond // 1000 * 1000
    )
    # Date-times to the millisecond, as JSON (ECMAScript) writes them.
    last = datetime.datetime.fromisoformat(data["last_published_at"])
    assert last >= published.replace(microsecond=published.microsecond // 1000 * 1000)


def test_detail_shows_public_contacts_without_email_or_phone(client, full_practice):
    response = client.get(detail_url(full_practice))
    assert response.json()["contacts"] == [
        {"name": "Rita Sousa", "role": "Coordinator", "organisation": "Câmara Municipal do Porto"}
    ]
    body = response.content.decode()
    for secret in ("rita@example.org", "+351 222", "Hidden Person", "hidden@example.org", "@"):
        assert secret not in body


def test_detail_keeps_contacts_private_even_for_editors(admin_client, full_practice):
    body = admin_client.get(detail_url(full_practice)).content.decode()
    assert "Rita Sousa" in body
    assert "Hidden Person" not in body and "rita@example.org" not in body


def test_detail_programme_falls_back_to_the_project(client, corpus):
    data = client.get(detail_url(corpus["randers"])).json()
    assert data["funding_programme"] == {
        "code": "easi",
        "label": "EaSI (Employment and Social Innovation)",
    }
    assert data["project"] == "Project PACT"
    assert client.get(detail_url(corpus["food"])).json()["funding_programme"] is None
    assert client.get(detail_url(corpus["food"])).json()["project"] is None


def test_detail_says_when_the_practice_was_validated(client, corpus):
    page = corpus["youth"]
    workflow = Workflow.objects.create(name="Validation")
    task = PracticeValidationTask.objects.create(name="Check against the criteria")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow_state = workflow.start(page, UserFactory())
    state = PracticeValidationState.objects.get(workflow_state=workflow_state)
    finished = timezone.make_aware(datetime.datetime(2025, 3, 14, 10, 0))
    state.status = PracticeValidationState.STATUS_APPROVED
    state.finished_at = finished
    state.save()
    data = client.get(detail_url(page)).json()
    assert data["validation"] == {"validated_on": "2025-03-14"}


def test_draft_private_and_missing_practices_are_not_found(client, corpus):
    draft = make_practice(title="Unpublished kitchens", publish=False)
    private = make_practice(title="Members-only kitchens")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for url in (
        detail_url(draft),
        detail_url(private),
        "/api/v1/practices/999999/",
        "/api/v1/nothing-here/",
        "/api/v1/two%0Alines/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json() == {"detail": "Not found."}
    for url in ("/api/v1/practices/99999999999999999999999/", "/api/v1/practices/abc/"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.json()["detail"][0]["loc"] == ["path", "id"]
    # Neither is listed either.
    data = client.get(LIST, {"q": "kitchens"}).json()
    assert data["results"] == []


def test_a_live_page_of_another_type_is_not_a_practice(client, corpus):
    event = make_study_visit(title="Study visit")
    assert client.get(detail_url(event)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [LIST, "detail"])
def test_only_get_and_head_are_allowed(corpus, method, url):
    client = Client(enforce_csrf_checks=True)
    url = detail_url(corpus["home"]) if url == "detail" else url
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"detail": "Method not allowed."}
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == client.get(url)["ETag"]
    # OPTIONS is a CORS preflight: any site may GET.
    preflight = client.options(
        url, HTTP_ORIGIN="https://other.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def _extra():
    # PostgreSQL: one more, the planner setting of the search's transaction.
    return 1 if connection.vendor == "postgresql" else 0


def test_list_query_count_does_not_grow_with_the_page_size(
    client, corpus, django_assert_max_num_queries
):
    country = CountryFactory(code="FI", name="Finland")
    region = RegionFactory(name="Uusimaa", slug="uusimaa", country=country)
    group = TargetGroupFactory(name="Migrants", slug="migrants")
    for n in range(16):
        make_practice(
            title=f"Older people's club {n}",
            country=country,
            regions=[region],
            target_groups=[group],
            themes=[theme("housing")],
            project=corpus["home"].project,
            budgets=[{"amount": Decimal(1000 * (n + 1)), "currency": "EUR"}],
        )
    params = {"q": "older", "country": ["IT", "BG", "FI"], "theme": ["housing", "home-care"]}
    bump_token()
    client.get(LIST, params)  # loads the facet bitmaps once after the index changed
    page_queries = {}
    for per_page in (3, 20):
        # The search's own share: index state, matches, at most three relevance tiers (more
        # hits may need more tiers), the hits' rows, their snippets. Then the API's share
        # (practices.schemas.practice_sources): view restrictions, the pages, the id pairs of
        # their regions, target groups, themes and partners, the countries, projects,
        # organisations, regions, groups and themes they name, budgets and outcome figures.
        with (
            CaptureQueriesContext(connection) as captured,
            django_assert_max_num_queries(7 + 14 + _extra()),
        ):
            data = client.get(LIST, {**params, "per_page": per_page}).json()
        assert len(data["results"]) == min(per_page, 18)
        page_queries[per_page] = [
            query["sql"] for query in captured.captured_queries if "search_" not in query["sql"]
        ]
    # Reading the practices costs the same for 3 results as for 20.
    assert len(page_queries[3]) == len(page_queries[20])
    # Browsing without words: index state and the hits' rows, then the same fourteen.
    with django_assert_max_num_queries(2 + 14 + _extra()):
        client.get(LIST, {"per_page": 100, "country": "FI"})


def test_detail_query_count_is_bounded(client, full_practice, django_assert_max_num_queries):
    client.get(detail_url(full_practice))  # the site's root paths are cached from then on
    # View restrictions, the page, its regions, target groups, themes, budgets, partners,
    # outcomes, links and public contacts, its latest validation.
    with django_assert_max_num_queries(11):
        response = client.get(detail_url(full_practice))
    assert response.status_code == 200
