"""/api/v1/ beyond practices: every public record type's list and detail, the OpenAPI
document and its browsable docs, conditional requests, cache headers, CORS and the rate
limit (practices in depth: tests/test_api.py; conformance: tests/test_api_schema.py)."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from portal.models import CooperationProject, HomePage, Organisation, Region
from tests.factories import RegionFactory
from tests.factories_events import make_study_visit
from tests.factories_policy import make_plan, make_plan_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(corpus):
    return make_plan(
        make_plan_index(HomePage.objects.first()),
        project=CooperationProject.objects.get(acronym="NEAR"),
        region=Region.objects.get(slug="lombardia"),
        actions=[{"title": "Open a day centre", "budget": 50_000}],
    )


@pytest.fixture
def visit(corpus):
    return make_study_visit(title="Study visit to Milan", summary="Caretakers at work.")


def test_events_list_and_detail(client, visit):
    data = client.get("/api/v1/events/", {"q": "milan"}).json()
    assert [item["title"] for item in data["results"]] == ["Study visit to Milan"]
    item = data["results"][0]
    assert item["kind"] == "study-visit" and item["url"].startswith("http://localhost/")
    assert "type" not in {facet["key"] for facet in data["facets"]}
    detail = client.get(item["detail"]).json()
    assert detail["id"] == visit.pk and detail["summary"] == "Caretakers at work."
    assert "learning_objectives" in detail


def test_projects_regions_and_organisations(client, corpus):
    projects = client.get("/api/v1/projects/").json()
    assert sorted(item["acronym"] for item in projects["results"]) == ["NEAR", "PACT"]
    near = next(item for item in projects["results"] if item["acronym"] == "NEAR")
    assert near["url"] == "http://localhost/projects/near/"
    assert client.get(near["detail"]).json()["slug"] == "near"

    regions = client.get("/api/v1/regions/", {"country": "IT"}).json()
    assert sorted(item["name"] for item in regions["results"]) == ["Emilia-Romagna", "Lombardia"]
    region = client.get(regions["results"][0]["detail"]).json()
    assert region["country"]["code"] == "IT"

    organisation = Organisation.objects.get(name="Comune di Milano")
    data = client.get(f"/api/v1/organisations/{organisation.pk}/").json()
    assert data["name"] == "Comune di Milano"
    assert data["url"].startswith("http://localhost/search/?q=")
    listed = client.get("/api/v1/organisations/", {"q": "Milano"}).json()
    assert organisation.pk in [item["id"] for item in listed["results"]]


def test_action_plans_list_only_public_plans(client, plan):
    drafting = make_plan(
        make_plan_index(HomePage.objects.first()),
        project=CooperationProject.objects.get(acronym="PACT"),
        region=RegionFactory(name="Sofia", slug="sofia"),
        plan_status="drafting",
    )
    data = client.get("/api/v1/action-plans/").json()
    assert [item["id"] for item in data["results"]] == [plan.pk]
    assert data["count"] == 1 and data["facets"] == []
    detail = client.get(f"/api/v1/action-plans/{plan.pk}/").json()
    assert detail["actions"][0]["title"] == "Open a day centre"
    assert detail["actions"][0]["budget"] == 50_000
    assert client.get(f"/api/v1/action-plans/{drafting.pk}/").status_code == 404


def test_record_types_do_not_answer_for_each_other(client, visit, corpus):
    assert client.get(f"/api/v1/practices/{visit.pk}/").status_code == 404
    assert client.get(f"/api/v1/events/{corpus['home'].pk}/").status_code == 404


def test_openapi_document_describes_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for path in ("practices", "events", "projects", "regions", "organisations", "action-plans"):
        assert f"/api/v1/{path}/" in paths and f"/api/v1/{path}/{{id}}/" in paths
        for operation in (paths[f"/api/v1/{path}/"], paths[f"/api/v1/{path}/{{id}}/"]):
            assert set(operation["get"]["responses"]) >= {"200", "404", "422", "429"}
    parameters = {p["name"] for p in paths["/api/v1/practices/"]["get"]["parameters"]}
    assert parameters >= {"q", "sort", "page", "per_page", "country", "theme", "budget"}


def test_browsable_docs_load_everything_from_the_portal(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/portal/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
    assert "cdn" not in html.lower() and "<script>" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_etag_and_last_modified_answer_conditional_requests(client, corpus):
    url = f"/api/v1/practices/{corpus['home'].pk}/"
    response = client.get(url)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")
    assert "max-age=60" in response["Cache-Control"] and "public" in response["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # A list has its own validator, which changes with what it holds.
    listed = client.get("/api/v1/practices/", {"country": "IT"})
    assert (
        client.get(
            "/api/v1/practices/", {"country": "IT"}, HTTP_IF_NONE_MATCH=listed["ETag"]
        ).status_code
        == 304
    )
    assert client.get("/api/v1/practices/", {"country": "ES"})["ETag"] != listed["ETag"]


def test_cors_on_answers_and_errors(client, corpus):
    for url, status in (
        ("/api/v1/regions/", 200),
        ("/api/v1/regions/999999/", 404),
        ("/api/v1/regions/?page=0", 422),
    ):
        response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")
        assert response.status_code == status
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]


@override_settings(PORTAL_RATE_LIMITS={"api": "3/m"})
def test_rate_limit_answers_429_with_retry_after(client, corpus):
    for _ in range(3):
        assert client.get("/api/v1/projects/").status_code == 200
    response = client.get("/api/v1/regions/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["retry_after"] == int(response["Retry-After"])
    assert response["Cache-Control"] == "no-store"
    # Another address is served.
    assert client.get("/api/v1/regions/", REMOTE_ADDR="10.9.9.9").status_code == 200


def _list_queries(client, url):
    """(queries, count) of a list, read twice: the first fills the search's caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        data = client.get(url).json()
    return len(captured.captured_queries), data["count"]


def test_event_list_query_count_does_not_grow(client, corpus):
    make_study_visit(title="Study visit one", summary="Caretakers.")
    few, count = _list_queries(client, "/api/v1/events/?per_page=100")
    assert count == 1 and few > 0
    for n in range(6):
        make_study_visit(title=f"Study visit {n}", summary="Caretakers.")
    assert _list_queries(client, "/api/v1/events/?per_page=100") == (few, 7)


def test_plan_list_query_count_does_not_grow(client, plan):
    few, count = _list_queries(client, "/api/v1/action-plans/?per_page=100")
    assert count == 1 and few > 0
    index = make_plan_index(HomePage.objects.first())
    project = CooperationProject.objects.get(acronym="PACT")
    for n in range(4):
        make_plan(
            index,
            project=project,
            region=RegionFactory(name=f"Region {n}", slug=f"region-{n}"),
            actions=[{"title": "Act"}],
        )
    assert _list_queries(client, "/api/v1/action-plans/?per_page=100") == (few, 5)
