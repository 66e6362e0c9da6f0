"""Learning events are findable in /search/ beside practices, with a type facet, and the
index follows publish, unpublish and delete."""

from tests.factories import CooperationProjectFactory, CountryFactory, RegionFactory, make_practice
from tests.factories_events import make_event_index, make_masterclass, make_workshop


def _types(response):
    facet = next(f for f in response.context["facets"] if f["key"] == "type")
    return {v["value"]: v["count"] for v in facet["values"]}


def test_events_are_found_with_a_type_facet(client, practice_index):
    spain = CountryFactory(code="ES", name="Spain")
    region = RegionFactory(country=spain, name="Castilla y León")
    project = CooperationProjectFactory(acronym="NEAR", slug="near")
    make_practice(practice_index, title="Person-centred social services", country=spain)
    index = make_event_index()
    workshop = make_workshop(
        index,
        title="Peer review in Valladolid",
        venue_country=spain,
        host_region=region,
        project=project,
        policy_challenge="Spreading the person-centred model to rural areas.",
    )
    response = client.get("/search/", {"q": "person-centred"})
    assert response.status_code == 200
    assert {h.title for h in response.context["hits"]} == {
        "Person-centred social services",
        "Peer review in Valladolid",
    }
    assert _types(response) == {"practice": 1, "event": 1}

    only_events = client.get("/search/", {"q": "person-centred", "type": "event"})
    assert [h.title for h in only_events.context["hits"]] == ["Peer review in Valladolid"]
    assert "Peer-review workshop" in only_events.content.decode()
    by_project = client.get("/search/", {"project": "near"})
    # The project's own record carries its project facet too.
    assert [h.title for h in by_project.context["hits"]] == [
        "Peer review in Valladolid",
        "NEAR: Project NEAR",
    ]

    workshop.unpublish()
    assert client.get("/search/", {"q": "rural"}).context["hits"] == []


def test_deleted_event_leaves_the_index(client, practice_index):
    event = make_masterclass(
        make_event_index(),
        title="Masterclass on case management",
        topic="Case management for multi-problem families",
    )
    assert len(client.get("/search/", {"q": "multi-problem families"}).context["hits"]) == 1
    event.delete()
    assert client.get("/search/", {"q": "multi-problem families"}).context["hits"] == []
