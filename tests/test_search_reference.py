"""Cooperation projects, regions and partner organisations are found in /search/ beside
practices and events: each with its type in the type facet and its own result card, kept in
step with edits and deletions made in the admin."""

import datetime
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import CooperationProject, Organisation, Region
from portal.search_documents import project_document
from search.engines import elastic
from search.engines.elastic import ElasticsearchEngine
from search.models import IndexedDocument
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    make_practice,
)
from tests.factories_events import make_event_index, make_workshop

pytestmark = pytest.mark.django_db

NEAR_SUMMARY = (
    "An interregional project that helps regions build social models that are person-centred "
    "and based in the community, strengthening families and close relationships."
)


@pytest.fixture
def records(practice_index):
    """A project with partners, a region with a practice and an event, an organisation that
    leads one practice, partners another and hosts an event; plus a draft practice that no
    count may include."""
    spain = CountryFactory(code="ES", name="Spain")
    finland = CountryFactory(code="FI", name="Finland")
    romania = CountryFactory(code="RO", name="Romania")
    leon = RegionFactory(
        name="Castilla y León", slug="castilla-y-leon", nuts_code="ES41", country=spain
    )
    timis = RegionFactory(name="Timiș", slug="timis", country=romania)
    filantropia = OrganisationFactory(
        name="Filantropia Foundation Timisoara",
        organisation_type="ngo",
        country=romania,
        region=timis,
        website="https://filantropia.example.org",
    )
    services = OrganisationFactory(
        name="Social Services of Castilla y León", country=spain, region=leon
    )
    project = CooperationProjectFactory(
        acronym="NEAR",
        name="New European Approach to social models",
        slug="near",
        programme="interreg-europe",
        start_date=datetime.date(2019, 8, 1),
        end_date=datetime.date(2023, 7, 31),
        summary=NEAR_SUMMARY,
    )
    project.countries.set([spain, finland])
    project.partners.set([services, filantropia])
    project.save()
    older = TargetGroupFactory(name="Older people", slug="older-people")
    make_practice(
        practice_index,
        title="Home care in rural Castile",
        country=spain,
        regions=[leon],
        lead_organisation=services,
        partners=[filantropia],
        target_groups=[older],
    )
    make_practice(
        practice_index,
        title="Mobile teams in Timiș",
        country=romania,
        lead_organisation=filantropia,
    )
    make_practice(
        practice_index,
        title="Draft in León",
        country=spain,
        regions=[leon],
        lead_organisation=filantropia,
        publish=False,
    )
    make_workshop(
        make_event_index(),
        title="Peer review in Valladolid",
        venue_country=spain,
        host_region=leon,
        host_organisation=filantropia,
        project=project,
    )
    return {"project": project, "leon": leon, "filantropia": filantropia, "services": services}


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def hits(response, kind=None):
    return [h.title for h in response.context["hits"] if kind is None or h.type == kind]


def card(response, hit_type):
    """The HTML of the first result card of this type."""
    html = response.content.decode()
    start = html.index(f'class="search-hit search-hit-{hit_type}"')
    return html[start : html.index("</li>", start)]


def type_counts(response):
    facet = next(f for f in response.context["facets"] if f["key"] == "type")
    return {v["value"]: (v["label"], v["count"]) for v in facet["values"]}


def test_a_project_is_found_by_its_description_and_partners_with_its_card(client, records):
    response = search(client, q="person-centred community-based social model")
    assert hits(response) == ["NEAR: New European Approach to social models"]
    html = card(response, "project")
    assert 'href="/projects/near/"' in html
    assert "Cooperation project" in html and "Interreg Europe" in html
    assert "Partner countries: Finland, Spain" in html
    assert "2019 – 2023" in html
    assert "<mark>" in html  # the snippet shows the matched words

    # Names: a partner organisation, a partner country, the programme.
    assert "NEAR: New European Approach to social models" in hits(
        search(client, q="Filantropia Finland interreg")
    )


def test_a_region_is_found_with_its_country_and_live_counts(client, records):
    response = search(client, q="León", type="region")
    assert hits(response) == ["Castilla y León"]
    html = card(response, "region")
    assert 'href="/regions/castilla-y-leon/"' in html
    assert "Spain" in html and "NUTS ES41" in html
    # The draft practice in León is not counted.
    assert "1 good practice" in html and "1 learning event" in html

    # A practice published there later counts at once (counts are read for the page shown).
    spain = records["leon"].country
    make_practice(title="Second", country=spain, regions=[records["leon"]])
    assert "2 good practices" in card(search(client, q="León", type="region"), "region")


def test_an_organisation_is_found_with_its_kind_place_and_counts(client, records):
    response = search(client, q="Filantropia", type="organisation")
    assert hits(response) == ["Filantropia Foundation Timisoara"]
    html = card(response, "organisation")
    assert "Partner organisation" in html and "NGO" in html
    assert "Timiș, Romania" in html
    # Leads "Mobile teams", partners "Home care" (its draft is not counted); hosts one event.
    assert "2 good practices" in html and "1 learning event" in html
    assert "Projects: NEAR" in html
    assert 'href="https://filantropia.example.org"' in html
    # No page of its own: the card leads to what names it.
    (hit,) = response.context["hits"]
    path, _question, params = hit.url.partition("?")
    assert path == "/search/" and parse_qs(params) == {"q": ['"Filantropia Foundation Timisoara"']}
    named = hits(client.get(hit.url))
    assert {
        "Home care in rural Castile",
        "Mobile teams in Timiș",
        "Peer review in Valladolid",
    } <= set(named)


def test_the_type_facet_lists_the_new_types_and_practice_facets_leave_them_out(client, records):
    response = search(client, q="Castilla")
    assert type_counts(response) == {
        "practice": ("Good practice", 1),
        "event": ("Learning event", 1),
        "region": ("Region", 1),
        "organisation": ("Partner organisation", 1),
        "project": ("Cooperation project", 1),  # a partner is named after the region
    }
    assert set(hits(response)) == {
        "Home care in rural Castile",
        "Peer review in Valladolid",
        "Castilla y León",
        "Social Services of Castilla y León",
        "NEAR: New European Approach to social models",
    }
    assert hits(search(client, q="Castilla", type=["region", "organisation"])) == [
        "Castilla y León",
        "Social Services of Castilla y León",
    ]
    # Country and region are facets of the records too; a target group is not.
    assert set(hits(search(client, region="castilla-y-leon"))) == {
        "Home care in rural Castile",
        "Peer review in Valladolid",
        "Castilla y León",
        "Social Services of Castilla y León",
        "NEAR: New European Approach to social models",  # a partner is based there
    }
    assert hits(search(client, region="castilla-y-leon", target_group="older-people")) == [
        "Home care in rural Castile"
    ]


def test_admin_edits_and_deletions_update_the_index(client, admin_client, records):
    project = records["project"]
    url = reverse("wagtailsnippets_portal_cooperationproject:edit", args=[project.pk])
    other = OrganisationFactory(
        name="Helsinki Deaconess Institute", country=CountryFactory(code="FI")
    )
    data = {
        "acronym": "NEAR",
        "slug": "near",
        "name": "New European Approach to social models",
        "programme": "interreg-europe",
        "start_date": "2019-08-01",
        "end_date": "2024-12-31",
        "countries": [c.pk for c in project.countries.all()],
        "partners": [other.pk],
        "summary": NEAR_SUMMARY + " It ends with a guide for regional policymakers.",
        "website": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert hits(search(client, q="guide policymakers")) == [
        "NEAR: New European Approach to social models"
    ]
    assert "2019 – 2024" in card(search(client, q="guide policymakers"), "project")
    # Partners changed: the project is found by its new partner, not its old ones...
    assert hits(search(client, q="Deaconess", type="project")) == [
        "NEAR: New European Approach to social models"
    ]
    assert hits(search(client, q="Filantropia", type="project")) == []
    # ...and the organisations' own records follow (their projects are listed and searchable).
    assert "Projects: NEAR" in card(
        search(client, q="Deaconess", type="organisation"), "organisation"
    )
    assert "Projects:" not in card(
        search(client, q="Filantropia", type="organisation"), "organisation"
    )

    # Renaming an organisation updates the projects that name it.
    other.name = "Diakonissalaitos"
    other.save()
    assert hits(search(client, q="Diakonissalaitos", type="project")) == [
        "NEAR: New European Approach to social models"
    ]

    # Deleting in the admin removes the record, and the projects naming it forget it.
    delete = reverse("wagtailsnippets_portal_organisation:delete", args=[other.pk])
    assert admin_client.post(delete).status_code == 302
    assert hits(search(client, q="Diakonissalaitos")) == []
    region = RegionFactory(name="Uusimaa", slug="uusimaa", country=other.country)
    assert hits(search(client, q="Uusimaa")) == ["Uusimaa"]
    delete = reverse("wagtailsnippets_portal_region:delete", args=[region.pk])
    assert admin_client.post(delete).status_code == 302
    assert hits(search(client, q="Uusimaa")) == []
    assert not IndexedDocument.objects.filter(doc_type="region", object_id=region.pk).exists()


def test_a_rebuild_includes_records_saved_without_signals(client, records):
    spain = records["leon"].country
    Region.objects.bulk_create([Region(name="Extremadura", slug="extremadura", country=spain)])
    assert hits(search(client, q="Extremadura")) == []
    call_command("search_index", "--rebuild", "--no-progress", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert hits(search(client, q="Extremadura")) == ["Extremadura"]
    # Every project, region and organisation is in the rebuilt index.
    for doc_type, model in (
        ("project", CooperationProject),
        ("region", Region),
        ("organisation", Organisation),
    ):
        assert IndexedDocument.objects.filter(doc_type=doc_type).count() == model.objects.count()


def test_query_count_does_not_grow_with_the_records_shown(client, records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(**params):
        search(client, **params)  # warm the facet bitmaps
        with CaptureQueriesContext(connection) as captured:
            search(client, **params)
        return len(captured)

    few = queries(q="Castilla", type=["region", "organisation"])  # one of each
    spain = records["leon"].country
    for n in range(12):
        region = RegionFactory(name=f"Comarca {n}", slug=f"comarca-{n}", country=spain)
        OrganisationFactory(name=f"Ayuntamiento de Comarca {n}", country=spain, region=region)
        make_practice(title=f"Practice in Comarca {n}", country=spain, regions=[region])
    many_regions = search(client, q="Comarca", type=["region", "organisation"])
    assert len(many_regions.context["hits"]) == 20
    many = queries(q="Comarca", type=["region", "organisation"])
    assert many <= few + 1, (few, many)  # the same queries; a third relevance tier at most
    # Counts: practices and events for regions and for organisations (one or two each, plus
    # Wagtail's view-restriction lookup of the public-pages rule).
    assert many <= 20


def test_demo_content_finds_near_by_its_model(client):
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = search(client, q="person-centred community-based social model")
    assert "NEAR" in hits(response)[:3], hits(response)
    html = card(response, "project")
    assert "Interreg Europe" in html and "Spain" in html and "Finland" in html


# Elasticsearch: the documents it is sent and how it reads them back (no server here).


@pytest.fixture
def elastic_requests(monkeypatch, settings):
    from search.engines import reset_engine_cache

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.PORTAL_SEARCH_ENGINE = "search.engines.elastic.ElasticsearchEngine"
    reset_engine_cache()
    sent = []

    def bulk(client, actions, **options):
        actions = list(actions)
        sent.append(actions)
        return len(actions), []

    monkeypatch.setattr(elastic.helpers, "bulk", bulk)
    yield sent
    reset_engine_cache()


def test_elasticsearch_is_sent_project_documents_and_deletions(
    records, elastic_requests, django_capture_on_commit_callbacks
):
    project = records["project"]
    with django_capture_on_commit_callbacks(execute=True):
        project.summary = "Person-centred social models."
        project.save()
    actions = [
        a for batch in elastic_requests for a in batch if a["_id"] == f"project:{project.pk}"
    ]
    assert actions, elastic_requests
    source = actions[-1]["_source"]
    assert source["doc_type"] == "project"
    assert source["title"] == "NEAR: New European Approach to social models"
    assert source["summary"] == "Person-centred social models."
    assert source["country"] == ["FI", "ES"] and source["programme"] == ["interreg-europe"]
    assert source["project"] == ["near"] and source["start_year"] == 2019
    assert "Filantropia Foundation Timisoara" in source["names"]
    assert source["display"]["countries"] == ["Finland", "Spain"]
    fresh = CooperationProject.objects.prefetch_related("countries", "partners__region").get(
        pk=project.pk
    )
    assert source == ElasticsearchEngine.source(project_document(fresh))

    elastic_requests.clear()
    region = RegionFactory(name="Uusimaa", slug="uusimaa", country=CountryFactory(code="FI"))
    region_id = region.pk
    organisation = OrganisationFactory(name="City of Espoo", country=region.country, region=region)
    elastic_requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        region.delete()
    sent = [a for batch in elastic_requests for a in batch]
    assert {"_op_type": "delete", "_index": "portal", "_id": f"region:{region_id}"} in sent
    # The organisation in it is sent again, without the region.
    (again,) = [a for a in sent if a["_id"] == f"organisation:{organisation.pk}"]
    assert again["_op_type"] == "index" and again["_source"]["display"]["location"] == "Finland"
    assert "region" not in again["_source"]


def test_an_elasticsearch_answer_with_records_shows_their_cards(
    client, records, monkeypatch, settings
):
    """A canned Elasticsearch response naming a region and a project: read into hits, the
    region's counts added for the page and each drawn with its own card."""
    from search.engines import reset_engine_cache

    region, project = records["leon"], records["project"]
    raw = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {
                    "_id": f"region:{region.pk}",
                    "_score": 3.0,
                    "_source": {
                        "doc_type": "region",
                        "object_id": region.pk,
                        "title": "Castilla y León",
                        "url": "/regions/castilla-y-leon/",
                        "summary": "",
                        "display": {
                            "type_label": "Region",
                            "location": "Spain",
                            "nuts_code": "ES41",
                        },
                    },
                },
                {
                    "_id": f"project:{project.pk}",
                    "_score": 2.0,
                    "_source": {
                        "doc_type": "project",
                        "object_id": project.pk,
                        "title": "NEAR: New European Approach to social models",
                        "url": "/projects/near/",
                        "summary": NEAR_SUMMARY,
                        "display": {
                            "type_label": "Cooperation project",
                            "programme": "interreg-europe",
                            "countries": ["Finland", "Spain"],
                            "start_date": "2019-08-01",
                            "end_date": "2023-07-31",
                        },
                    },
                },
            ],
        },
        "aggregations": {
            "_filter_type": {
                "doc_count": 2,
                "type": {
                    "buckets": [
                        {"key": "region", "doc_count": 1},
                        {"key": "project", "doc_count": 1},
                    ]
                },
            },
            **{
                f"_filter_{key}": {"doc_count": 2, key: {"buckets": []}}
                for key in (
                    "country",
                    "region",
                    "theme",
                    "target_group",
                    "project",
                    "programme",
                    "status",
                )
            },
            "_filter_budget": {"doc_count": 2, "budget": {"buckets": []}},
            "_filter_start": {"doc_count": 2, "start": {"buckets": []}},
        },
    }
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.PORTAL_SEARCH_ENGINE = "search.engines.elastic.ElasticsearchEngine"
    reset_engine_cache()

    try:
        from search.engines import get_engine

        engine = get_engine()
        monkeypatch.setattr(engine.client, "search", lambda **kwargs: SimpleNamespace(body=raw))
        response = search(client, q="Castilla")
    finally:
        reset_engine_cache()
    assert response.context["results"].engine == "elasticsearch"
    assert hits(response) == ["Castilla y León", "NEAR: New European Approach to social models"]
    assert "1 good practice" in card(response, "region")
    html = card(response, "project")
    assert "Interreg Europe" in html and "2019 – 2023" in html and "Finland, Spain" in html
    assert {key: count for key, (_label, count) in type_counts(response).items()} == {
        "region": 1,
        "project": 1,
    }


def test_elasticsearch_request_for_records_and_a_region():
    """Choosing record types and a region: the type filter and the region filter reach
    Elasticsearch as post_filter terms on the fields the records' documents carry."""
    from search.query import SearchQuery

    engine = ElasticsearchEngine(url="http://127.0.0.1:9", index="portal")
    query = SearchQuery("social model", {"type": ["project", "region"], "region": ["timis"]})
    request = engine.build_search(query, {"type": 5, "region": 2})._s.to_dict()
    assert request["post_filter"] == {
        "bool": {
            "must": [
                {"terms": {"doc_type": ["project", "region"]}},
                {"terms": {"region": ["timis"]}},
            ]
        }
    }
    # The type facet is counted with the region selection applied, and the other way round.
    assert request["aggs"]["_filter_type"]["filter"] == {"terms": {"region": ["timis"]}}
    assert request["aggs"]["_filter_region"]["filter"] == {
        "terms": {"doc_type": ["project", "region"]}
    }
