"""A page made private (Wagtail's view restrictions: login, password, groups), on itself or on
an ancestor, leaves the search results, the facet counts, the JSON API and the downloads at
once; lifting the restriction brings it back. The restriction is set through the admin's
privacy dialog where practical, otherwise by saving and deleting the restriction."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import PageViewRestriction

from practices.search_documents import practice_document, practice_search_type
from search.engines import elastic
from search.engines.elastic import ElasticsearchEngine
from search.models import IndexedDocument
from tests.factories_events import make_event_index, make_workshop

pytestmark = pytest.mark.django_db

API = "/api/v1/practices/"


def set_privacy(admin_client, page, restriction_type, **fields):
    """What the admin's privacy dialog posts."""
    response = admin_client.post(
        reverse("wagtailadmin_pages:set_privacy", args=[page.pk]),
        {"restriction_type": restriction_type, **fields},
    )
    assert response.status_code == 200
    assert response.json()["step"] == "set_privacy_done"


# These cases are about pages; regions and organisations of the corpus are findable records
# whatever the privacy of the pages naming them.
PAGES = ["practice", "event"]


def search_titles(client, **params):
    response = client.get("/search/", {"type": PAGES, **params})
    assert response.status_code == 200
    return {hit.title for hit in response.context["hits"]}


def facet(client, key, **params):
    if key != "type":
        params = {"type": PAGES, **params}
    response = client.get("/search/", params)
    found = next((f for f in response.context["facets"] if f["key"] == key), {"values": []})
    # The type facet is counted without its own selection: it lists every type.
    values = [v for v in found["values"] if key != "type" or v["value"] in PAGES]
    return {v["value"]: v["count"] for v in values}


def api_list(client, **params):
    data = client.get(API, params).json()
    return data["count"], {item["title"] for item in data["results"]}, data["facets"]


def csv_titles(response):
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    title = rows[0].index("Title")
    return {row[title] for row in rows[1:]}


def everywhere(client, page):
    """Where a practice shows up: {"search", "facets", "api", "api count", "detail", "csv",
    "compare"} -> bool, all read through HTTP as a visitor."""
    country = page.country.code
    count, api_titles, _facets = api_list(client, country=country)
    compare = client.get("/practices/compare/", {"p": page.pk})
    return {
        "search": page.title in search_titles(client, q=page.title),
        "facets": facet(client, "country").get(country, 0) > 0,
        "api": page.title in api_titles,
        "api count": count > 0,
        "detail": client.get(f"{API}{page.pk}/").status_code == 200,
        "csv": page.title in csv_titles(client.get("/practices/download/", {"country": country})),
        "compare": page.title in compare.content.decode(),
        "compare csv": client.get("/practices/compare/", {"p": page.pk, "format": "csv"})[
            "Content-Type"
        ].startswith("text/csv"),
    }


SHOWN = dict.fromkeys(
    ["search", "facets", "api", "api count", "detail", "csv", "compare", "compare csv"], True
)
HIDDEN = dict.fromkeys(SHOWN, False)


def test_a_practice_made_private_in_the_admin_disappears_and_comes_back(
    client, admin_client, corpus
):
    # Bulgaria holds one practice: "Help at Home".
    page = corpus["home"]
    others = {p.title for key, p in corpus.items() if key != "home"}
    assert everywhere(client, page) == SHOWN

    set_privacy(admin_client, page, PageViewRestriction.LOGIN)
    assert everywhere(client, page) == HIDDEN
    assert search_titles(client) == others
    assert not IndexedDocument.objects.filter(doc_type="practice", object_id=page.pk).exists()

    set_privacy(admin_client, page, PageViewRestriction.NONE)
    assert everywhere(client, page) == SHOWN
    assert search_titles(client) == others | {page.title}


def test_password_restriction_changes_the_facet_counts(client, admin_client, corpus):
    page = corpus["home"]  # older people, employment and home care; NEAR project
    before = facet(client, "target_group"), facet(client, "theme"), facet(client, "project")
    api_before = api_list(client)[0]

    set_privacy(admin_client, page, PageViewRestriction.PASSWORD, password="s3cret-pass")
    after = facet(client, "target_group"), facet(client, "theme"), facet(client, "project")
    assert after[0]["older-people"] == before[0]["older-people"] - 1
    assert after[1]["employment"] == before[1]["employment"] - 1
    assert "home-care" not in after[1]  # Help at Home was its only practice
    assert after[2].get("near", 0) == before[2]["near"] - 1
    count, _titles, facets = api_list(client)
    assert count == api_before - 1
    themes = next(f for f in facets if f["key"] == "theme")
    assert "home-care" not in {v["value"] for v in themes["values"]}

    set_privacy(admin_client, page, PageViewRestriction.NONE)
    assert (facet(client, "target_group"), facet(client, "theme"), facet(client, "project")) == (
        before
    )
    assert api_list(client)[0] == api_before


def test_a_restricted_ancestor_hides_every_practice_under_it(client, admin_client, corpus):
    index = corpus["home"].get_parent()
    assert len(search_titles(client)) == len(corpus)

    group = Group.objects.create(name="Partners only")
    set_privacy(admin_client, index, PageViewRestriction.GROUPS, groups=[group.pk])
    assert search_titles(client) == set()
    assert facet(client, "country") == {}
    assert api_list(client)[:2] == (0, set())
    for page in corpus.values():
        assert everywhere(client, page) == HIDDEN

    set_privacy(admin_client, index, PageViewRestriction.NONE)
    assert search_titles(client) == {p.title for p in corpus.values()}
    assert everywhere(client, corpus["randers"]) == SHOWN


def test_a_restriction_higher_up_than_the_index_counts_too(client, corpus):
    home_page = corpus["home"].get_parent().get_parent()
    restriction = PageViewRestriction.objects.create(
        page=home_page, restriction_type=PageViewRestriction.LOGIN
    )
    assert search_titles(client) == set()
    restriction.delete()
    assert len(search_titles(client)) == len(corpus)


def test_an_event_restricted_by_model_save_leaves_the_search_and_delete_brings_it_back(
    client, corpus
):
    event = make_workshop(make_event_index(), title="Peer review on home care in Sofia")
    assert search_titles(client, q="Sofia") == {event.title}
    assert facet(client, "type") == {"practice": len(corpus), "event": 1}

    group = Group.objects.create(name="Peers")
    restriction = PageViewRestriction(page=event, restriction_type=PageViewRestriction.GROUPS)
    restriction.save()
    restriction.groups.set([group])
    assert search_titles(client, q="Sofia") == set()
    assert facet(client, "type") == {"practice": len(corpus)}

    restriction.delete()
    assert search_titles(client, q="Sofia") == {event.title}
    assert facet(client, "type") == {"practice": len(corpus), "event": 1}


def test_an_event_index_restriction_hides_its_events(client, admin_client, corpus):
    index = make_event_index()
    make_workshop(index, title="Workshop in Sofia")
    make_workshop(index, title="Workshop in Varna")
    assert search_titles(client, type="event") == {"Workshop in Sofia", "Workshop in Varna"}
    set_privacy(admin_client, index, PageViewRestriction.LOGIN)
    assert search_titles(client, type="event") == set()
    assert search_titles(client) == {p.title for p in corpus.values()}
    set_privacy(admin_client, index, PageViewRestriction.NONE)
    assert search_titles(client, type="event") == {"Workshop in Sofia", "Workshop in Varna"}


def test_moving_a_page_under_a_restricted_page_hides_it_and_out_again_shows_it(client, corpus):
    from learning_events.models import LearningEventIndexPage

    public_index = make_event_index()
    home_page = public_index.get_parent()
    private_index = home_page.add_child(
        instance=LearningEventIndexPage(title="Members' events", slug="members-events")
    )
    PageViewRestriction.objects.create(
        page=private_index, restriction_type=PageViewRestriction.LOGIN
    )
    event = make_workshop(public_index, title="Workshop in Plovdiv")
    assert search_titles(client, q="Plovdiv") == {event.title}

    event.move(LearningEventIndexPage.objects.get(pk=private_index.pk), pos="last-child")
    assert search_titles(client, q="Plovdiv") == set()
    event.refresh_from_db()
    event.move(LearningEventIndexPage.objects.get(pk=public_index.pk), pos="last-child")
    assert search_titles(client, q="Plovdiv") == {event.title}


def test_rebuild_leaves_restricted_pages_out(client, corpus):
    page, index = corpus["home"], corpus["home"].get_parent()
    # bulk_create sends no signals: the index still holds the page until it is rebuilt.
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=page, restriction_type=PageViewRestriction.LOGIN)]
    )
    assert page.title in search_titles(client)
    call_command("search_index", "--rebuild", "--no-progress", stdout=io.StringIO())
    assert search_titles(client) == {p.title for k, p in corpus.items() if k != "home"}
    assert not everywhere(client, page)["facets"]

    PageViewRestriction.objects.filter(page=page).delete()
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=index, restriction_type=PageViewRestriction.LOGIN)]
    )
    call_command("search_index", "--rebuild", "--no-progress", stdout=io.StringIO())
    assert search_titles(client) == set()
    # What is left are the corpus's regions, organisations and projects (public records).
    assert not IndexedDocument.objects.filter(doc_type__in=PAGES).exists()


def test_deleting_a_restricted_page_removes_it_and_its_restriction(client, admin_client, corpus):
    page = corpus["home"]
    set_privacy(admin_client, page, PageViewRestriction.LOGIN)
    page.delete()
    assert not PageViewRestriction.objects.exists()
    assert page.title not in search_titles(client)


# Elasticsearch: the requests it is sent (no server here).


@pytest.fixture
def elastic_requests(monkeypatch, settings):
    """The bulk actions sent to Elasticsearch once transactions commit, with the engine
    configured (its client never reaches a server: helpers.bulk is captured)."""
    from search.engines import reset_engine_cache

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.PORTAL_SEARCH_ENGINE = "search.engines.elastic.ElasticsearchEngine"
    reset_engine_cache()
    sent = []

    def bulk(client, actions, **options):
        actions = list(actions)
        sent.append((actions, options))
        return len(actions), []

    monkeypatch.setattr(elastic.helpers, "bulk", bulk)
    yield sent
    reset_engine_cache()


def test_elasticsearch_is_told_to_delete_and_then_index_again(
    corpus, admin_client, elastic_requests, django_capture_on_commit_callbacks
):
    page = corpus["home"]
    with django_capture_on_commit_callbacks(execute=True):
        set_privacy(admin_client, page, PageViewRestriction.LOGIN)
    assert elastic_requests == [
        (
            [{"_op_type": "delete", "_index": "portal", "_id": f"practice:{page.pk}"}],
            {"refresh": "wait_for", "raise_on_error": False},
        )
    ]

    elastic_requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_privacy(admin_client, page, PageViewRestriction.NONE)
    ((actions, options),) = elastic_requests
    assert options == {"refresh": "wait_for"}
    (action,) = actions
    assert action["_op_type"] == "index" and action["_id"] == f"practice:{page.pk}"
    assert action["_index"] == "portal"
    assert action["_source"]["title"] == "Help at Home"
    assert action["_source"]["country"] == ["BG"]
    page = practice_search_type().findable().get(pk=page.pk)
    # What indexing sends: the page's document with its language and language versions.
    from practices import search_documents
    from search.registry import with_translations

    practice_type = search_documents.practice_search_type()
    [document] = with_translations(practice_type, [practice_document(page)])
    assert action["_source"] == ElasticsearchEngine.source(document)


def test_elasticsearch_deletes_every_practice_under_a_restricted_index(
    corpus, elastic_requests, django_capture_on_commit_callbacks
):
    index = corpus["home"].get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=index, restriction_type=PageViewRestriction.LOGIN
        )
    ((actions, _options),) = elastic_requests
    assert sorted(a["_id"] for a in actions) == sorted(f"practice:{p.pk}" for p in corpus.values())
    assert {a["_op_type"] for a in actions} == {"delete"}

    elastic_requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    ((actions, _options),) = elastic_requests
    assert sorted(a["_id"] for a in actions) == sorted(f"practice:{p.pk}" for p in corpus.values())
    assert {a["_op_type"] for a in actions} == {"index"}
