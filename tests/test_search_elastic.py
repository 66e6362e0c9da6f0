"""The Elasticsearch engine without a server: the exact request bodies it builds, how it
reads representative responses, and the fallback when the server cannot be reached."""

import logging
from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest
from django.test import override_settings
from elasticsearch.dsl.faceted_search_base import FacetedResponse

from portal.models import CooperationProject, Organisation, Region
from search.engines import elastic, get_engine, reset_engine_cache
from search.engines.elastic import ElasticsearchEngine
from search.facets import document_facets  # noqa: F401  (documents the shared facet rows)
from search.models import FacetLabel
from search.query import Expansion, SearchQuery, Term
from search.registry import iter_documents

# Nothing listens on the discard port: connections are refused at once.
# Every sort ends with these, so that no two documents tie and search_after resumes exactly.
TIE_BREAKERS = [{"doc_type": {"order": "asc"}}, {"object_id": {"order": "asc"}}]

UNREACHABLE = "http://127.0.0.1:9"
SIZES = {
    "type": 2,
    "country": 4,
    "region": 5,
    "theme": 6,
    "target_group": 5,
    "project": 3,
    "programme": 3,
    "status": 4,
}

TEXT_WITH_COUNTRY = {
    "query": {
        "simple_query_string": {
            "query": 'older "home care" -youth',
            "default_operator": "and",
            "fields": ["title^10", "summary^5", "names^3", "body"],
            "flags": "PHRASE|NOT|WHITESPACE",
        }
    },
    "post_filter": {"terms": {"country": ["IT"]}},
    "aggs": {
        "_filter_type": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {"type": {"terms": {"field": "doc_type", "size": 2}}},
        },
        "_filter_country": {
            "filter": {"match_all": {}},
            "aggs": {"country": {"terms": {"field": "country", "size": 4}}},
        },
        "_filter_region": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {"region": {"terms": {"field": "region", "size": 5}}},
        },
        "_filter_theme": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {"theme": {"terms": {"field": "theme", "size": 6}}},
        },
        "_filter_target_group": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {"target_group": {"terms": {"field": "target_group", "size": 5}}},
        },
        "_filter_project": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {"project": {"terms": {"field": "project", "size": 3}}},
        },
        "_filter_programme": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {"programme": {"terms": {"field": "programme", "size": 3}}},
        },
        "_filter_status": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {"status": {"terms": {"field": "status", "size": 4}}},
        },
        "_filter_budget": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {
                "budget": {
                    "range": {
                        "field": "budget_eur",
                        "ranges": [
                            {"key": "lt-100k", "to": 100000},
                            {"key": "100k-500k", "from": 100000, "to": 500000},
                            {"key": "500k-1m", "from": 500000, "to": 1000000},
                            {"key": "1m-5m", "from": 1000000, "to": 5000000},
                            {"key": "5m-plus", "from": 5000000},
                        ],
                        "keyed": False,
                    }
                }
            },
        },
        "_filter_start": {
            "filter": {"terms": {"country": ["IT"]}},
            "aggs": {
                "start": {
                    "range": {
                        "field": "start_year",
                        "ranges": [
                            {"key": "before-2010", "to": 2010},
                            {"key": "2010-2014", "from": 2010, "to": 2015},
                            {"key": "2015-2019", "from": 2015, "to": 2020},
                            {"key": "2020-2024", "from": 2020, "to": 2025},
                            {"key": "2025-plus", "from": 2025},
                        ],
                        "keyed": False,
                    }
                }
            },
        },
    },
    "sort": ["_score", {"published_at": {"order": "desc"}}, *TIE_BREAKERS],
    "track_total_hits": True,
    "from": 20,
    "size": 20,
    "_source": ["doc_type", "object_id", "title", "url", "display", "summary"],
    "highlight": {
        "fields": {
            "title": {"number_of_fragments": 0},
            "summary": {"number_of_fragments": 0},
            "body": {"fragment_size": 240, "number_of_fragments": 1},
        },
        "pre_tags": ["\x02"],
        "post_tags": ["\x03"],
        "encoder": "default",
    },
}
BROWSE_WITH_RANGES = {
    "post_filter": {
        "bool": {
            "should": [
                {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
            ],
            "must": [{"terms": {"theme": ["employment"]}}],
            "minimum_should_match": 1,
        }
    },
    "aggs": {
        "_filter_type": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ],
                    "must": [{"terms": {"theme": ["employment"]}}],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {"type": {"terms": {"field": "doc_type", "size": 2}}},
        },
        "_filter_country": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ],
                    "must": [{"terms": {"theme": ["employment"]}}],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {"country": {"terms": {"field": "country", "size": 4}}},
        },
        "_filter_region": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ],
                    "must": [{"terms": {"theme": ["employment"]}}],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {"region": {"terms": {"field": "region", "size": 5}}},
        },
        "_filter_theme": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ]
                }
            },
            "aggs": {"theme": {"terms": {"field": "theme", "size": 6}}},
        },
        "_filter_target_group": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ],
                    "must": [{"terms": {"theme": ["employment"]}}],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {"target_group": {"terms": {"field": "target_group", "size": 5}}},
        },
        "_filter_project": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ],
                    "must": [{"terms": {"theme": ["employment"]}}],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {"project": {"terms": {"field": "project", "size": 3}}},
        },
        "_filter_programme": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ],
                    "must": [{"terms": {"theme": ["employment"]}}],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {"programme": {"terms": {"field": "programme", "size": 3}}},
        },
        "_filter_status": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ],
                    "must": [{"terms": {"theme": ["employment"]}}],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {"status": {"terms": {"field": "status", "size": 4}}},
        },
        "_filter_budget": {
            "filter": {
                "bool": {
                    "should": [
                        {"range": {"start_year": {"gte": 2020, "lt": 2025}}},
                        {"range": {"start_year": {"gte": 2015, "lt": 2020}}},
                    ],
                    "must": [{"terms": {"theme": ["employment"]}}],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {
                "budget": {
                    "range": {
                        "field": "budget_eur",
                        "ranges": [
                            {"key": "lt-100k", "to": 100000},
                            {"key": "100k-500k", "from": 100000, "to": 500000},
                            {"key": "500k-1m", "from": 500000, "to": 1000000},
                            {"key": "1m-5m", "from": 1000000, "to": 5000000},
                            {"key": "5m-plus", "from": 5000000},
                        ],
                        "keyed": False,
                    }
                }
            },
        },
        "_filter_start": {
            "filter": {"terms": {"theme": ["employment"]}},
            "aggs": {
                "start": {
                    "range": {
                        "field": "start_year",
                        "ranges": [
                            {"key": "before-2010", "to": 2010},
                            {"key": "2010-2014", "from": 2010, "to": 2015},
                            {"key": "2015-2019", "from": 2015, "to": 2020},
                            {"key": "2020-2024", "from": 2020, "to": 2025},
                            {"key": "2025-plus", "from": 2025},
                        ],
                        "keyed": False,
                    }
                }
            },
        },
    },
    "sort": [{"budget_eur": {"order": "desc", "missing": "_last"}}, *TIE_BREAKERS],
    "track_total_hits": True,
    "from": 0,
    "size": 20,
    "_source": ["doc_type", "object_id", "title", "url", "display", "summary"],
    "highlight": {
        "fields": {
            "title": {"number_of_fragments": 0},
            "summary": {"number_of_fragments": 0},
            "body": {"fragment_size": 240, "number_of_fragments": 1},
        },
        "pre_tags": ["\x02"],
        "post_tags": ["\x03"],
        "encoder": "default",
    },
}


def body(query):
    engine = ElasticsearchEngine(url=UNREACHABLE, index="portal")
    return engine.build_search(query, SIZES)._s.to_dict()


def test_request_body_for_words_phrase_exclusion_facet_and_page():
    query = SearchQuery('older "home care" -youth', {"country": ["IT"]}, "", 2, 20)
    assert body(query) == TEXT_WITH_COUNTRY


def test_request_body_for_a_browse_with_two_ranges_a_theme_and_budget_sort():
    query = SearchQuery("", {"start": ["2020-2024", "2015-2019"], "theme": ["employment"]})
    query.sort = "budget"
    assert body(query) == BROWSE_WITH_RANGES


def test_request_body_without_snippets_asks_for_no_highlighting():
    query = SearchQuery('older "home care" -youth', {"country": ["IT"]}, "", 2, 20)
    query.snippets = False
    expected = {key: value for key, value in TEXT_WITH_COUNTRY.items() if key != "highlight"}
    assert body(query) == expected


def test_request_body_for_junk_is_safe():
    # Operators of the query syntax never reach Elasticsearch; unknown buckets match nothing.
    query = SearchQuery('title:care^2 | (older* ~ "unbalanced', {"budget": ["lots"]})
    request = body(query)
    assert request["query"]["simple_query_string"]["query"] == "title care 2 older unbalanced"
    assert request["post_filter"] == {"match_none": {}}


def sort_hit(pk, keys, title=None):
    hit = canned_hit(pk, title or f"Practice {pk}", [])
    hit["sort"] = keys
    if title is None:
        hit.pop("_source")  # the walk asks for sort keys only
    return hit


@pytest.mark.django_db
def test_a_page_past_the_result_window_is_walked_to_with_search_after(monkeypatch):
    """Page 600 of 20 (from 11,980): the first page's request gives the facets and totals,
    then 10,000 sort keys, 1,980 more after the last of them, then the page after those."""
    engine = ElasticsearchEngine(url=UNREACHABLE, index="portal")
    monkeypatch.setattr(engine, "facet_sizes", lambda: SIZES)
    sent = []

    def answer(body):
        sent.append(body)
        if "aggs" in body:  # the first page, with the facets
            return canned(20_000, 20_000, [canned_hit(1, "First", [])])
        if "highlight" in body:  # the page itself
            return {"hits": {"hits": [sort_hit(12_001, [1.5, "practice", 12_001], "Deep")]}}
        return {"hits": {"hits": [sort_hit(n, [2.0, "practice", n]) for n in range(body["size"])]}}

    monkeypatch.setattr(engine.client, "search", answering(answer))
    query = SearchQuery('older "home care" -youth', {"country": ["IT"]}, "", 600, 20)
    results = engine._search(query)

    assert [hit.title for hit in results.hits] == ["Deep"]
    assert results.total == 20_000 and results.query.page == 600
    first, walk_1, walk_2, page = sent
    assert first == {**TEXT_WITH_COUNTRY, "from": 0, "size": 20}
    expected_walk = {
        key: value
        for key, value in TEXT_WITH_COUNTRY.items()
        if key not in ("aggs", "highlight", "_source", "from", "size")
    }
    expected_walk.update(_source=False, track_total_hits=False)
    assert walk_1 == {**expected_walk, "size": 10_000}
    assert walk_2 == {**expected_walk, "size": 1_980, "search_after": [2.0, "practice", 9_999]}
    expected_page = {
        key: value for key, value in TEXT_WITH_COUNTRY.items() if key not in ("aggs", "from")
    }
    expected_page.update(size=20, track_total_hits=False, search_after=[2.0, "practice", 1_979])
    assert page == expected_page


@pytest.mark.django_db
def test_a_deep_page_past_the_end_shows_the_last_page_and_a_short_walk_shows_nothing(
    monkeypatch,
):
    engine = ElasticsearchEngine(url=UNREACHABLE, index="portal")
    monkeypatch.setattr(engine, "facet_sizes", lambda: SIZES)
    sent = []

    def answer(body):
        sent.append(body)
        if "aggs" in body:
            return canned(12_345, 12_345, [canned_hit(1, "First", [])])
        # The index shrank between the requests: the walk finds fewer keys than counted.
        return {"hits": {"hits": [sort_hit(n, [2.0, "practice", n]) for n in range(10)]}}

    monkeypatch.setattr(engine.client, "search", answering(answer))
    results = engine._search(SearchQuery("", {}, "", 9_999, 20))
    # 12,345 hits: the last page is 618 (from 12,340); the walk stops at the short answer.
    assert results.query.page == 618 and results.total == 12_345 and results.hits == []
    assert [body.get("size") for body in sent] == [20, 10_000]

    # Within the window, a page is one request with from and size, as before.
    sent.clear()
    engine._search(SearchQuery("", {}, "", 3, 20))
    assert [(body["from"], body["size"]) for body in sent] == [(40, 20)]


def answering(answer):
    """The client's search method, answering each request body with ``answer(body)``: what
    the engine sends and how it reads the answer, with no server."""

    def search(index=None, body=None, **kwargs):
        assert index == ["portal"]
        return SimpleNamespace(body=answer(body))

    return search


@pytest.mark.django_db
def test_facet_sizes_follow_the_number_of_distinct_values():
    FacetLabel.objects.bulk_create(
        [FacetLabel(facet="region", value=f"r{i}", label=f"R{i}") for i in range(300)]
    )
    sizes = ElasticsearchEngine(url=UNREACHABLE).facet_sizes()
    assert sizes["region"] == 301 and sizes["country"] == 1


RESPONSE = {
    "took": 3,
    "timed_out": False,
    "hits": {
        "total": {"value": 21, "relation": "eq"},
        "max_score": 7.5,
        "hits": [
            {
                "_index": "portal-20261122",
                "_id": "practice:12",
                "_score": 7.5,
                "_source": {
                    "doc_type": "practice",
                    "object_id": 12,
                    "title": "Help at Home",
                    "url": "/practices/help-at-home/",
                    "summary": "Hourly home care for older people.",
                    "display": {"location": "Bulgaria", "status": "ongoing"},
                },
                "highlight": {
                    "title": ["Help at \x02Home\x03"],
                    "summary": ["Hourly \x02home\x03 care for <older> people."],
                },
            },
            {
                "_index": "portal-20261122",
                "_id": "practice:14",
                "_score": 2.0,
                "_source": {
                    "doc_type": "practice",
                    "object_id": 14,
                    "title": "Social caretakers",
                    "url": "/practices/social-caretakers/",
                    "summary": "Caretakers in public housing.",
                    "display": {},
                },
                "highlight": {"body": ["visits at \x02home\x03"]},
            },
        ],
    },
    "aggregations": {
        "_filter_type": {
            "doc_count": 21,
            "type": {"buckets": [{"key": "practice", "doc_count": 21}]},
        },
        "_filter_country": {
            "doc_count": 40,
            "country": {
                "buckets": [
                    {"key": "IT", "doc_count": 21},
                    {"key": "ES", "doc_count": 19},
                ]
            },
        },
        **{
            f"_filter_{key}": {"doc_count": 21, key: {"buckets": []}}
            for key in ("region", "theme", "target_group", "project", "programme", "status")
        },
        "_filter_budget": {
            "doc_count": 21,
            "budget": {
                "buckets": [
                    {"key": "lt-100k", "to": 100000.0, "doc_count": 0},
                    {"key": "100k-500k", "from": 100000.0, "to": 500000.0, "doc_count": 5},
                    {"key": "500k-1m", "from": 500000.0, "to": 1000000.0, "doc_count": 0},
                    {"key": "1m-5m", "from": 1000000.0, "to": 5000000.0, "doc_count": 16},
                    {"key": "5m-plus", "from": 5000000.0, "doc_count": 0},
                ]
            },
        },
        "_filter_start": {"doc_count": 21, "start": {"buckets": []}},
    },
}


def parse(query, raw):
    engine = ElasticsearchEngine(url=UNREACHABLE, index="portal")
    faceted = engine.build_search(query, SIZES)
    response = FacetedResponse(faceted._s, raw)
    response._faceted_search = faceted
    return engine.parse(query, response)


@pytest.mark.django_db
def test_a_response_becomes_the_common_results_object():
    FacetLabel.objects.bulk_create(
        [
            FacetLabel(facet="country", value="IT", label="Italy"),
            FacetLabel(facet="country", value="ES", label="Spain"),
            FacetLabel(facet="country", value="DK", label="Denmark"),
            FacetLabel(facet="type", value="practice", label="Good practice"),
        ]
    )
    query = SearchQuery("home", {"country": ["IT", "DK"]}, "", 1, 20)
    results = parse(query, RESPONSE)
    assert results.total == 21
    assert [hit.title for hit in results.hits] == ["Help at Home", "Social caretakers"]
    first, second = results.hits
    assert first.title_html == "Help at <mark>Home</mark>"
    assert first.snippet_html == "Hourly <mark>home</mark> care for &lt;older&gt; people."
    assert first.url == "/practices/help-at-home/" and first.display["location"] == "Bulgaria"
    assert second.snippet_html == "…visits at <mark>home</mark>…"
    country = results.facet("country")
    assert [(v.value, v.label, v.count, v.selected) for v in country.values] == [
        ("IT", "Italy", 21, True),
        ("DK", "Denmark", 0, True),
        ("ES", "Spain", 19, False),
    ]
    assert [(v.value, v.count) for v in results.facet("budget").values] == [
        ("100k-500k", 5),
        ("1m-5m", 16),
    ]
    assert results.facet("region") is None
    assert results.num_pages == 2


@pytest.mark.django_db
def test_an_empty_response_reads_as_no_hits():
    raw = {
        "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
        "aggregations": {
            f"_filter_{key}": {"doc_count": 0, key: {"buckets": []}}
            for key in (*SIZES, "budget", "start")
        },
    }
    results = parse(SearchQuery("zzz"), raw)
    assert results.total == 0 and results.hits == [] and results.facets == []


@pytest.mark.django_db
def test_unreachable_elasticsearch_falls_back_to_the_embedded_index(client, caplog):
    from tests.factories_search import make_search_corpus

    make_search_corpus()
    with override_settings(
        ELASTICSEARCH_URL=UNREACHABLE,
        PORTAL_SEARCH_ENGINE="search.engines.elastic.ElasticsearchEngine",
    ):
        reset_engine_cache()
        try:
            assert isinstance(get_engine(), ElasticsearchEngine)
            with caplog.at_level(logging.ERROR, logger="search"):
                response = client.get("/search/", {"q": "older", "country": "IT"})
        finally:
            reset_engine_cache()
    assert response.status_code == 200
    assert [hit.title for hit in response.context["hits"]] == [
        "Social caretakers in public housing"
    ]
    assert "basic search" in response.content.decode()
    assert any("Elasticsearch failed" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_index_updates_that_fail_on_elasticsearch_are_logged_not_lost(
    caplog, django_capture_on_commit_callbacks
):
    from search.engines.embedded import EmbeddedEngine
    from tests.factories_search import make_search_corpus

    corpus = make_search_corpus()
    page = corpus["home"]
    with override_settings(
        ELASTICSEARCH_URL=UNREACHABLE,
        PORTAL_SEARCH_ENGINE="search.engines.elastic.ElasticsearchEngine",
    ):
        reset_engine_cache()
        try:
            with (
                caplog.at_level(logging.ERROR, logger="search"),
                django_capture_on_commit_callbacks(execute=True),
            ):
                page.title = "Help at Home, updated"
                page.save_revision().publish()
        finally:
            reset_engine_cache()
    assert any("Search index update failed" in r.getMessage() for r in caplog.records)
    # The embedded index, which answers when Elasticsearch is down, has the change.
    hits = EmbeddedEngine().search(SearchQuery("updated")).hits
    assert [hit.title for hit in hits] == ["Help at Home, updated"]


@pytest.mark.django_db
def test_rebuild_sends_every_document_to_a_new_index_then_moves_the_alias(monkeypatch):
    """The requests of a rebuild, recorded from the client it is given (no server here)."""
    from tests.factories_search import make_search_corpus

    corpus = make_search_corpus()
    engine = ElasticsearchEngine(url=UNREACHABLE, index="portal")
    engine.client = MagicMock()
    # A rebuild's requests may wait longer than a search's.
    client = engine.client.options.return_value
    client.indices.get_alias.return_value = {"portal-old": {"aliases": {"portal": {}}}}
    sent = []

    def bulk(client, actions, **options):
        sent.extend(actions)
        return len(sent), []

    monkeypatch.setattr(elastic.helpers, "bulk", bulk)
    monkeypatch.setattr(ElasticsearchEngine, "BATCH", 2)
    reported = []

    # The practices, then the regions, organisations and projects they name.
    expected = [f"practice:{page.pk}" for page in corpus.values()]
    for key, model in (
        ("project", CooperationProject),
        ("region", Region),
        ("organisation", Organisation),
    ):
        expected += [f"{key}:{pk}" for pk in model.objects.values_list("pk", flat=True)]
    total = len(expected)
    assert engine.rebuild(iter_documents(), lambda done, total: reported.append(done)) == total
    assert reported == [*range(2, total, 2), total]
    assert sorted(action["_id"] for action in sent) == sorted(expected)
    (new,) = {action["_index"] for action in sent}
    assert new.startswith("portal-") and new != "portal-old"
    engine.client.options.assert_called_once_with(request_timeout=elastic.REBUILD_TIMEOUT)
    client.indices.create.assert_called_once()
    assert client.indices.create.call_args.kwargs["index"] == new
    client.indices.update_aliases.assert_called_once_with(
        actions=[
            {"remove": {"index": "portal-old", "alias": "portal"}},
            {"add": {"index": new, "alias": "portal"}},
        ]
    )
    client.indices.delete.assert_called_once_with(index="portal-old")


# Partial matching and thesaurus expansions -------------------------------------------------


def simple(text, boost=None):
    found = {
        "query": text,
        "fields": ["title^10", "summary^5", "names^3", "body"],
        "default_operator": "and",
        "flags": "PHRASE|NOT|WHITESPACE",
    }
    if boost is not None:
        found["boost"] = boost
    return {"simple_query_string": found}


def held(group, number, boost=elastic.GROUP_BOOST, scored=True):
    should = [{"constant_score": {"filter": group, "boost": boost}}]
    if scored:
        should.append(group)
    return {"bool": {"should": should, "_name": f"group-{number}"}}


def partial_body(query, threshold):
    engine = ElasticsearchEngine(url=UNREACHABLE, index="portal")
    return engine.build_search(query, SIZES, threshold)._s.to_dict()


ELDERLY = Expansion(
    terms=(Term(("elderly",)),),
    alternatives=((Term(("older", "people")), 0.8), (Term(("seniors",)), 0.5)),
    label="older people",
)
ELDERLY_GROUP = {
    "dis_max": {
        "queries": [simple("elderly"), simple('"older people"', 0.8), simple("seniors", 0.5)]
    }
}


def test_a_query_that_may_have_a_partial_tier_counts_its_matches_before_facets():
    request = body(SearchQuery("older people employment", {"country": ["IT"]}))
    assert request["query"] == simple("older people employment")
    assert request["aggs"]["_matches"] == {"filter": {"match_all": {}}}
    # One word (or one word and phrases) cannot have a partial tier: nothing to count.
    assert "_matches" not in body(SearchQuery('older "home care"'))["aggs"]


def test_request_body_for_the_partial_tier_by_relevance():
    query = SearchQuery('older people "home care" -youth', {"country": ["IT"]})
    request = partial_body(query, 2)
    assert request["query"] == {
        "bool": {
            "should": [held(simple("older"), 0), held(simple("people"), 1)],
            "minimum_should_match": 2,
            # Phrases and exclusions are required of every document.
            "must": [simple('"home care" -youth')],
        }
    }
    assert request["sort"] == ["_score", {"published_at": {"order": "desc"}}, *TIE_BREAKERS]
    assert request["post_filter"] == {"terms": {"country": ["IT"]}}
    assert request["aggs"]["_matches"] == {"filter": {"match_all": {}}}


def test_request_body_for_the_partial_tier_sorted_by_a_field():
    query = SearchQuery("older people employment", {}, "budget")
    request = partial_body(query, 2)
    assert request["query"] == {
        "bool": {
            "should": [
                held(simple(word), number, boost=1, scored=False)
                for number, word in enumerate(["older", "people", "employment"])
            ],
            "minimum_should_match": 2,
        }
    }
    # The number of words held first (the score), then the field.
    assert request["sort"] == [
        "_score",
        {"budget_eur": {"order": "desc", "missing": "_last"}},
        *TIE_BREAKERS,
    ]


def test_request_body_for_an_expansion():
    query = SearchQuery("elderly care -youth", expansions=(ELDERLY,))
    assert body(query)["query"] == {
        "bool": {
            "must": [simple("care -youth"), ELDERLY_GROUP],
            # Every word as typed ranks above matches through an alternative.
            "should": [
                {
                    "constant_score": {
                        "filter": {"bool": {"must": [simple("elderly")]}},
                        "boost": elastic.EXACT_BOOST,
                    }
                }
            ],
        }
    }
    # Sorted by a field, nothing is scored.
    query = SearchQuery("elderly care", {}, "newest", expansions=(ELDERLY,))
    assert body(query)["query"] == {"bool": {"must": [simple("care"), ELDERLY_GROUP]}}


def test_request_body_for_an_expansion_in_the_partial_tier():
    query = SearchQuery("help elderly stay", expansions=(ELDERLY,))
    assert partial_body(query, 2)["query"] == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [
                            held(simple("help"), 0),
                            held(ELDERLY_GROUP, 1),
                            held(simple("stay"), 2),
                        ],
                        "minimum_should_match": 2,
                    }
                }
            ],
            "should": [
                {
                    "constant_score": {
                        "filter": {"bool": {"must": [simple("elderly")]}},
                        "boost": elastic.EXACT_BOOST,
                    }
                }
            ],
        }
    }


def canned(total, matches, hits=()):
    return {
        "hits": {"total": {"value": total, "relation": "eq"}, "hits": list(hits)},
        "aggregations": {
            "_matches": {"doc_count": matches},
            **{
                f"_filter_{key}": {"doc_count": total, key: {"buckets": []}}
                for key in (*SIZES, "budget", "start")
            },
        },
    }


def canned_hit(pk, title, groups):
    return {
        "_id": f"practice:{pk}",
        "_score": 1.0,
        "_source": {
            "doc_type": "practice",
            "object_id": pk,
            "title": title,
            "url": "/",
            "summary": "",
        },
        "matched_queries": groups,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "thresholds", "expected"),
    [
        # A page of documents hold every word: one request.
        ([canned(20, 25)], [None], (20, 20, [])),
        # Fewer: the partial request (at least 2 of 3 words) follows.
        (
            [
                canned(1, 1),
                canned(
                    3,
                    3,
                    [
                        canned_hit(1, "All", ["group-0", "group-1", "group-2"]),
                        canned_hit(2, "Two", ["group-0", "group-2"]),
                    ],
                ),
            ],
            [None, 2],
            (3, 1, [False, True]),
        ),
        # Nothing holds two of the words: those holding one.
        (
            [canned(0, 0), canned(0, 0), canned(1, 1, [canned_hit(3, "One", ["group-1"])])],
            [None, 2, 1],
            (1, 0, [True]),
        ),
    ],
)
def test_the_partial_request_is_sent_when_fewer_than_a_page_hold_every_word(
    monkeypatch, answers, thresholds, expected
):
    engine = ElasticsearchEngine(url=UNREACHABLE, index="portal")
    sent = []
    real = engine.build_search

    def build_search(query, facet_sizes=None, threshold=None):
        faceted = real(query, SIZES, threshold)
        sent.append(threshold)
        raw = answers[len(sent) - 1]
        faceted.execute = lambda: _response(faceted, raw)
        return faceted

    monkeypatch.setattr(engine, "build_search", build_search)
    results = engine._search(SearchQuery("older people employment"))
    assert sent == thresholds
    total, all_words, partial = expected
    assert (results.total, results.all_words_total) == (total, all_words)
    assert [hit.partial for hit in results.hits] == partial


def _response(faceted, raw):
    response = FacetedResponse(faceted._s, raw)
    response._faceted_search = faceted
    return response
