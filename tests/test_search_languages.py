"""Cross-language search: a query is read in the visitor's language (its stop words, its
stemmer) and, through the thesaurus's labels in every language, finds records written in
another. Through /search/ with the request's language (Accept-Language), on the configured
database (run on PostgreSQL with DATABASE_URL), plus Elasticsearch's request bodies."""

import pytest
from django.conf import settings
from django.http import QueryDict
from django.utils import translation

from portal.demo import load_reference_data
from search.engines.elastic import ElasticsearchEngine, PortalDocument, text_query
from search.engines.embedded import EmbeddedEngine, Words, stem_prefix, tsquery
from search.languages import ANALYSES, query_stop_words, stem
from search.query import SearchQuery
from search.registry import DocumentText, SearchDocument
from tests.factories import make_practice
from thesaurus.loading import load_thesaurus


@pytest.fixture
def demo_thesaurus(db):
    load_reference_data()
    load_thesaurus()


@pytest.fixture
def english_practices(demo_thesaurus, site_pages):
    """Two English practices that never name their concept's target group or theme, so
    only the query's expansion can find them from another language."""
    make_practice(
        site_pages[1],
        title="Neighbours look in",
        summary="Volunteers call on older people who live alone, every day.",
    )
    make_practice(
        site_pages[1],
        title="Back to work after years",
        summary="Coaching for the long-term unemployed with local employers.",
    )
    make_practice(
        site_pages[1], title="Bike repair club", summary="A club repairing bicycles together."
    )


def titles(response):
    return [hit.title for hit in response.context["hits"]]


def search(client, language, **params):
    """/search/ read in ``language``: the address says it (English unprefixed)."""
    path = "/search/" if language == "en" else f"/{language}/search/"
    return client.get(path, params)


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("es", "personas mayores", "Neighbours look in"),
        ("it", "anziani soli", "Neighbours look in"),
        ("fi", "ikääntyneet", "Neighbours look in"),
        ("bg", "възрастни хора", "Neighbours look in"),
        ("de", "Langzeitarbeitslose", "Back to work after years"),
        ("fr", "chômeurs de longue durée", "Back to work after years"),
        ("cs", "dlouhodobě nezaměstnaní", "Back to work after years"),
    ],
)
def test_a_query_in_the_visitors_language_finds_the_english_practice(
    english_practices, client, language, text, expected
):
    response = search(client, language, q=text, type="practice")
    assert response.status_code == 200
    assert titles(response)[0] == expected
    # The "Also searched" line (worded in the visitor's language) lists what the query was
    # expanded to, English included.
    also = response.context["query"].also_searched
    assert "older people" in also or "long term unemployed" in also
    assert also[0] in response.content.decode()
    # The words alone, in another language, find nothing.
    assert titles(search(client, language, q=text, type="practice", exact="1")) == []


def test_the_address_language_is_the_querys_language(english_practices, client):
    # Neither a cookie nor the browser's language chooses it (docs/languages.md).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    english = client.get("/search/", {"q": "Senioren"}, headers={"accept-language": "de"})
    assert english.context["query"].language == "en"
    response = client.get("/de/search/", {"q": "Senioren", "type": "practice"})
    assert response.context["query"].language == "de"
    assert titles(response)[0] == "Neighbours look in"


def test_stop_words_and_stems_of_the_visitors_language(english_practices, client):
    response = search(client, "es", q="ayuda para las personas mayores")
    query = response.context["query"]
    assert [str(t) for t in query.parsed.required] == ["ayuda", "personas", "mayores"]
    # "para" and "las" are Spanish stop words; an English visitor keeps them as words.
    english = search(client, "en", q="ayuda para las personas mayores").context["query"]
    assert "para" in [str(t) for t in english.parsed.required]
    # A label matched through its stems: the singular names the same concept.
    singular = search(client, "es", q="persona mayor", type="practice")
    assert [e.label for e in singular.context["query"].expansions] == ["Personas mayores"]
    assert titles(singular)[0] == "Neighbours look in"


def test_every_concept_has_labels_in_every_language(demo_thesaurus):
    from thesaurus.models import Concept

    languages = {code for code, _name in settings.LANGUAGES}
    for concept in Concept.objects.prefetch_related("labels"):
        rows = concept.label_rows()
        preferred = {language for language, kind, _text in rows if kind == "preferred"}
        assert preferred == languages, concept.slug


def test_every_language_has_its_analysis():
    assert set(ANALYSES) == {code for code, _name in settings.LANGUAGES}
    assert stem("ikääntyneiden", "fi") == stem("ikääntyneet", "fi")
    assert stem("nezaměstnaných", "cs") == stem("nezaměstnaní", "cs")  # Snowball 3 has Czech
    assert stem("възрастните", "bg") == stem("възрастни", "bg")  # the light stemmer
    assert {"und", "mit"} <= query_stop_words("de") and "und" not in query_stop_words("fr")


def test_a_record_is_analysed_in_its_own_language(db):
    """A record written in Finnish: a Finnish visitor's word finds its other forms (SQLite:
    the Snowball stem as a prefix; PostgreSQL: the row's vectors built with the Finnish
    configuration, the query read with it too); an English reading of the word does not."""
    engine = EmbeddedEngine()
    engine.index_documents(
        [
            SearchDocument(
                "practice",
                1,
                "Kotiapu",
                "/p/1/",
                summary="Apua ikääntyneiden arkeen.",
                language="fi",
                translations={"en": DocumentText("Home help", "Help at home.")},
            )
        ]
    )
    assert stem_prefix("ikääntyneet", "fi") == "ikaantyn"
    found = engine.search(SearchQuery("ikääntyneet", language="fi"))
    assert [hit.title for hit in found.hits] == ["Kotiapu"]
    assert engine.search(SearchQuery("ikääntyneet", language="en")).total == 0
    # Its English version is indexed with it.
    assert engine.search(SearchQuery("home help", language="en")).total == 1


def test_postgres_reads_a_query_in_the_visitors_configuration_too():
    groups = SearchQuery("Senioren Pflege", language="de").groups
    sql, params = tsquery(Words(groups, (), "de"))
    assert sql == ("(websearch_to_tsquery('english', %s) || websearch_to_tsquery('german', %s))")
    assert params == ["senioren pflege", "senioren pflege"]
    assert tsquery(Words(groups, (), "en")) == (
        "websearch_to_tsquery('english', %s)",
        ["senioren pflege"],
    )
    # Czech and Bulgarian: PostgreSQL has no stemmer, the simple configuration.
    assert "'simple'" in tsquery(Words(groups, (), "bg"))[0]


# -- Elasticsearch: request bodies and documents (no server) -----------------------------------


def test_elasticsearch_searches_the_visitors_language_fields(english_practices):
    with translation.override("es"):
        data = QueryDict(mutable=True)
        data["q"] = "personas mayores"
        query = SearchQuery.from_params(data)
    body = text_query(query).to_dict()
    must = body["bool"]["must"][0]["dis_max"]["queries"]
    fields = ["title^10", "summary^5", "names^3", "body", "title_es^10", "summary_es^5", "body_es"]
    assert must[0] == {
        "simple_query_string": {
            "query": "personas mayores",
            "fields": fields,
            "default_operator": "and",
            "flags": "PHRASE|NOT|WHITESPACE",
        }
    }
    alternatives = {q["simple_query_string"]["query"]: q["simple_query_string"] for q in must[1:]}
    assert alternatives['"older people"']["boost"] == 0.8
    assert alternatives['"older people"']["fields"] == fields
    assert alternatives['"възрастни хора"']["boost"] == 0.7
    # An English query keeps the English fields only, as before.
    english = text_query(SearchQuery("older people")).to_dict()
    assert english["simple_query_string"]["fields"] == ["title^10", "summary^5", "names^3", "body"]


def test_elasticsearch_maps_a_field_per_language_with_its_analyser():
    properties = PortalDocument._doc_type.mapping.to_dict()["properties"]
    assert properties["title"] == {"type": "text", "analyzer": "english"}
    assert properties["language"] == {"type": "keyword"}
    for code, analysis in ANALYSES.items():
        for name in ("title", "summary", "body"):
            assert properties[f"{name}_{code}"] == {"type": "text", "analyzer": analysis.elastic}
    document = SearchDocument(
        "practice",
        7,
        "Help at Home",
        "/p/7/",
        summary="Hourly care.",
        translations={"bg": DocumentText("Помощ в дома", "Почасови грижи", "")},
    )
    source = ElasticsearchEngine.source(document)
    assert source["language"] == "en" and source["title"] == "Help at Home"
    assert source["title_bg"] == "Помощ в дома" and source["summary_bg"] == "Почасови грижи"
    assert "title_en" not in source
