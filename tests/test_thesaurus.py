"""The thesaurus: concepts in the admin (validation over HTTP), the data file and its loader,
query expansion (search/thesaurus.py), the "Also searched" line, the API, and the labels a
practice's target groups and themes add to its search document."""

import textwrap

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from portal.demo import DemoDataError, load_reference_data
from practices.models import PracticePage
from practices.search_documents import DOCUMENT_FIELDS, practice_document, practice_documents
from search.query import SearchQuery
from tests.factories import TargetGroupFactory, make_practice
from thesaurus.loading import load_thesaurus
from thesaurus.models import Concept, ConceptLabel

ADD_URL = "wagtailsnippets_thesaurus_concept:add"
EDIT_URL = "wagtailsnippets_thesaurus_concept:edit"


def query(text, **params):
    data = QueryDict(mutable=True)
    data["q"] = text
    for key, value in params.items():
        data[key] = value
    return SearchQuery.from_params(data)


def words(terms):
    return [" ".join(term.words) for term in terms]


@pytest.fixture(scope="module")
def shared_demo_thesaurus(django_db_setup, django_db_blocker):
    """The reference data and the demo thesaurus, loaded once for the module inside a
    transaction rolled back at the end; each test runs in a savepoint within it. The tests
    using it come last in the module, so the ones before start from an empty thesaurus."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference_data()
        load_thesaurus()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_thesaurus(shared_demo_thesaurus, db):
    """The reference data and the demo thesaurus; what a test changes is rolled back."""


def concept_form(preferred, labels=(), broader=(), slug=None):
    data = nested_form_data(
        {
            "preferred_label": preferred,
            "slug": slug or preferred.lower().replace(" ", "-"),
            "definition": "",
            "labels": inline_formset(
                [{"text": text, "language": lang, "kind": kind} for text, lang, kind in labels]
            ),
        }
    )
    data["broader"] = [concept.pk for concept in broader]  # a multiple choice, not nested
    return data


# -- admin -----------------------------------------------------------------------------------


def test_admin_creates_a_concept_with_labels_and_a_broader_link(admin_client, db):
    groups = Concept.objects.create(slug="vulnerable-groups", preferred_label="Vulnerable groups")
    response = admin_client.post(
        reverse(ADD_URL),
        concept_form(
            "Older people",
            [("elderly", "en", "alternative"), ("Senioren", "de", "preferred")],
            broader=[groups],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    concept = Concept.objects.get(slug="older-people")
    assert [b.slug for b in concept.broader.all()] == ["vulnerable-groups"]
    assert [(label.text, label.language, label.kind) for label in concept.labels.all()] == [
        ("elderly", "en", "alternative"),
        ("Senioren", "de", "preferred"),
    ]
    # The listing: search through labels, the broader concept and the number of synonyms.
    listing = admin_client.get(reverse("wagtailsnippets_thesaurus_concept:list"), {"q": "elder"})
    html = listing.content.decode()
    assert "Older people" in html and "Vulnerable groups" in html
    assert [str(row) for row in listing.context["object_list"]] == ["Older people"]
    assert listing.context["object_list"][0].synonym_count == 1
    # The expansion sees the new concept at once.
    (expansion,) = query("elderly").expansions
    # English labels first, then the other languages' (here the German one).
    assert [" ".join(t.words) for t, _w in expansion.alternatives] == ["older people", "senioren"]


def test_admin_refuses_a_loop_in_broader_links(admin_client, db):
    top = Concept.objects.create(slug="vulnerable-groups", preferred_label="Vulnerable groups")
    middle = Concept.objects.create(slug="older-people", preferred_label="Older people")
    middle.broader.add(top)
    middle.save()
    bottom = Concept.objects.create(slug="frail-elderly", preferred_label="Frail elderly")
    bottom.broader.add(middle)
    bottom.save()

    response = admin_client.post(
        reverse(EDIT_URL, args=[top.pk]),
        concept_form("Vulnerable groups", broader=[bottom], slug="vulnerable-groups"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["broader"]
    assert errors == [
        "“Frail elderly” is already narrower than this concept (Vulnerable groups > Older "
        "people > Frail elderly): choosing it as a broader concept would make a loop."
    ]
    assert list(top.broader.all()) == []
    response = admin_client.post(
        reverse(EDIT_URL, args=[top.pk]),
        concept_form("Vulnerable groups", broader=[top], slug="vulnerable-groups"),
    )
    assert response.context["form"].errors["broader"] == [
        "A concept cannot be its own broader concept."
    ]


def test_admin_label_rules_give_errors_on_the_rows(admin_client, db):
    other = Concept.objects.create(slug="homelessness", preferred_label="Homelessness")
    ConceptLabel.objects.create(concept=other, text="rough sleeping", language="en")
    response = admin_client.post(
        reverse(ADD_URL),
        concept_form(
            "Housing exclusion",
            [
                ("Rough  sleeping", "en", "alternative"),  # another concept's label
                ("Wohnungslosigkeit", "de", "preferred"),
                ("Obdachlosigkeit", "de", "preferred"),  # a second preferred label in German
                ("housing", "en", "preferred"),  # the English one is the field above
            ],
        ),
    )
    assert response.status_code == 200
    rows = response.context["form"].formsets["labels"].forms
    assert rows[0].errors["text"] == [
        "“Rough  sleeping” is already a label of the concept “Homelessness” in English; a "
        "label names one concept per language."
    ]
    assert not rows[1].errors
    assert "one preferred label per language" in rows[2].errors["text"][0]
    assert "make this one an alternative label" in rows[3].errors["text"][0]
    assert "Rough  sleeping" in response.content.decode()  # what was typed is kept
    assert not Concept.objects.filter(slug="housing-exclusion").exists()


# -- the data file ---------------------------------------------------------------------------


def _snapshot():
    return (
        list(Concept.objects.order_by("pk").values_list("pk", "slug", "preferred_label")),
        list(ConceptLabel.objects.order_by("pk").values_list("pk", "text", "language", "kind")),
        list(Concept.broader.through.objects.order_by("pk").values_list("pk", "from_concept_id")),
        list(Concept.target_groups.through.objects.order_by("pk").values_list("pk")),
        list(Concept.themes.through.objects.order_by("pk").values_list("pk", "theme_id")),
    )


def test_the_demo_file_covers_the_portals_groups_and_themes_and_loads_idempotently(db):
    load_reference_data()
    message = load_thesaurus()
    assert Concept.objects.count() >= 40
    assert "created" in message
    before = _snapshot()
    assert load_thesaurus().endswith(f"(0 created, 0 updated, {len(before[0])} unchanged)")
    assert _snapshot() == before
    from portal.models import TargetGroup

    linked = set(Concept.target_groups.through.objects.values_list("targetgroup_id", flat=True))
    assert linked == set(TargetGroup.objects.values_list("pk", flat=True))
    older = Concept.objects.get(slug="older-people")
    assert [b.slug for b in older.broader.all()] == ["vulnerable-groups"]


def test_a_bad_file_names_file_and_line_and_saves_nothing(db, tmp_path):
    TargetGroupFactory(slug="older-people", name="Older people")
    path = tmp_path / "thesaurus.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            - slug: a
              labels: {en: [Alpha, first]}
              broader: [b]
            - slug: b
              labels:
                en: [Beta, FIRST]
              broader: [a]
              target_groups: [nobody]
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError) as error:
        load_thesaurus(path)
    assert str(error.value).splitlines() == [
        f"{path}, line 3: “b” is already narrower than this concept (a > b): choosing it as "
        "a broader concept would make a loop.",
        f"{path}, line 6: “FIRST” is already a label of the concept “Alpha” in English; a "
        "label names one concept per language.",
        f"{path}, line 8: unknown target group 'nobody' (see "
        "fixtures/reference/target_groups.yaml)",
    ]
    assert not Concept.objects.exists()
    path.write_text("- slug: a\n  labels: {en: [Alpha\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"thesaurus.yaml, line \d: not valid YAML"):
        load_thesaurus(path)


def test_load_demo_content_loads_the_thesaurus(db, settings, tmp_path):
    out = []
    from thesaurus.wagtail_hooks import load_demo_thesaurus

    load_reference_data()
    out.append(load_demo_thesaurus(None))
    assert out[0].startswith("Thesaurus: ")
    assert Concept.objects.filter(slug="homelessness").exists()


# -- expansion -------------------------------------------------------------------------------


def test_everyday_phrasing_is_expanded_through_the_concept(demo_thesaurus):
    (expansion,) = query("help older people stay at home").expansions
    assert words(expansion.terms) == ["older", "people"]
    assert expansion.label == "Older people"
    alternatives = {" ".join(t.words): w for t, w in expansion.alternatives}
    assert alternatives["elderly"] == alternatives["seniors"] == 0.8
    assert "older people" not in alternatives  # the words typed are not repeated

    (homeless,) = query("homeless").expansions
    assert homeless.label == "Homelessness"
    assert {"homelessness", "rough sleeping", "housing exclusion"} <= set(
        words(t for t, _w in homeless.alternatives)
    )


def test_narrower_concepts_weigh_less_and_the_longest_match_wins(demo_thesaurus):
    (groups,) = query("vulnerable groups").expansions
    weights = {" ".join(t.words): w for t, w in groups.alternatives}
    assert weights["disadvantaged groups"] == 0.8
    assert weights["older people"] == weights["homelessness"] == 0.5
    # "young people" names a concept, but the whole phrase names a longer one.
    (neet,) = query("young people not in education, employment or training").expansions
    assert neet.label == "Young people not in education, employment or training"
    assert words(neet.terms) == ["young", "people", "education", "employment", "training"]
    assert "neet" in words(t for t, _w in neet.alternatives)
    (young,) = query("young people").expansions
    assert young.label == "Young people"
    # Two concepts in one query; a quoted phrase stays strict.
    labels = [e.label for e in query("home care for elderly in rural areas").expansions]
    assert labels == ["Home care", "Older people", "Rural areas"]
    assert query('"older people"').expansions == ()


def test_exact_searches_the_words_alone(demo_thesaurus):
    assert query("elderly").expansions
    exact = query("elderly", exact="1")
    assert exact.exact and exact.expansions == ()
    assert exact.with_page(2).exact


def test_labels_in_the_visitors_language_then_english_then_the_others(demo_thesaurus):
    from django.utils import translation

    with translation.override("de"):
        (expansion,) = query("Senioren").expansions
        assert expansion.label == "Ältere Menschen"
        alternatives = {" ".join(t.words): w for t, w in expansion.alternatives}
        ordered = list(alternatives)
        assert ordered[:2] == ["ältere menschen", "seniorinnen und senioren"]
        assert ordered.index("older people") < ordered.index("personas mayores")
        assert alternatives["elderly"] == 0.8 and alternatives["personas mayores"] == 0.7
    # An English visitor typing a German word: the concept is found through its German
    # label, and offered in English first.
    (expansion,) = query("Senioren").expansions
    assert expansion.label == "Older people"
    assert words(t for t, _w in expansion.alternatives)[0] == "older people"


def test_a_warm_search_costs_no_thesaurus_query(demo_thesaurus, client, site_pages):
    query("elderly")  # warms the cache
    with CaptureQueriesContext(connection) as thesaurus_queries:
        assert query("help older people stay at home").expansions
    assert len(thesaurus_queries) == 0
    # The expanded search finds more (so it renders more hits), but reads no thesaurus table.
    with CaptureQueriesContext(connection) as expanded:
        response = client.get("/search/", {"q": "elderly"})
    assert response.context["query"].expansions
    assert not [q["sql"] for q in expanded.captured_queries if "thesaurus_" in q["sql"]]


# -- the results page and the API ------------------------------------------------------------


def test_the_page_says_what_it_also_searched_with_a_link_to_the_words_alone(
    demo_thesaurus, client, site_pages
):
    response = client.get("/search/", {"q": "elderly", "theme": "home-care"})
    html = response.content.decode()
    assert "Also searched: older people, elderly people, seniors" in html
    assert '<a href="?q=elderly&amp;theme=home-care&amp;exact=1">' in html
    exact = client.get("/search/", {"q": "elderly", "theme": "home-care", "exact": "1"})
    html = exact.content.decode()
    assert "Also searched" not in html
    assert "Searched only the words you typed." in html
    assert '<a href="?q=elderly&amp;theme=home-care">' in html
    assert '<input type="hidden" name="exact" value="1">' in html
    # Links that change a facet keep searching the words alone.
    facet_urls = [v["url"] for f in exact.context["facets"] for v in f["values"]]
    assert all("exact=1" in url for url in facet_urls)


def test_the_api_returns_the_expansions_used(demo_thesaurus, client, site_pages):
    data = client.get("/api/v1/practices/", {"q": "homeless"}).json()
    (item,) = data["also_searched"]
    assert item["words"] == "homeless" and item["concept"] == "Homelessness"
    assert {"words": "rough sleeping", "weight": 0.8} in item["alternatives"]
    assert (
        client.get("/api/v1/practices/", {"q": "homeless", "exact": "1"}).json()["also_searched"]
        == []
    )


# -- practices found through their target groups and themes ----------------------------------


def test_a_tagged_practice_is_found_by_its_concepts_labels(demo_thesaurus, client, site_pages):
    from portal.models import TargetGroup

    practice = make_practice(
        site_pages[1],
        title="Friendly visits",
        summary="Volunteers visit people who live on their own.",
        target_groups=[TargetGroup.objects.get(slug="older-people")],
        themes=["home care"],
    )
    document = practice_document(PracticePage.objects.get(pk=practice.pk))
    assert {"seniors", "elderly", "domiciliary care", "help at home"} <= set(document.names)
    (bulk,) = practice_documents(
        PracticePage.objects.filter(pk=practice.pk).values(*DOCUMENT_FIELDS)
    )
    assert bulk.names == document.names
    # Searching the words alone still finds it: the labels are in its document.
    response = client.get("/search/", {"q": "seniors", "exact": "1"})
    assert [hit.title for hit in response.context["hits"]] == ["Friendly visits"]


def test_editing_a_concept_reindexes_the_practices_it_is_linked_to(
    demo_thesaurus, admin_client, client, site_pages, monkeypatch
):
    from portal.models import TargetGroup

    make_practice(
        site_pages[1],
        title="Friendly visits",
        target_groups=[TargetGroup.objects.get(slug="older-people")],
    )
    assert client.get("/search/", {"q": "golden agers", "exact": "1"}).context["hits"] == []
    older = Concept.objects.get(slug="older-people")
    labels = [(label.text, label.language, label.kind) for label in older.labels.all()]
    form = concept_form(
        "Older people",
        [*labels, ("golden agers", "en", "alternative")],
        broader=older.broader.all(),
        slug="older-people",
    )
    form["target_groups"] = [group.pk for group in older.target_groups.all()]
    response = admin_client.post(reverse(EDIT_URL, args=[older.pk]), form, follow=True)
    assert response.status_code == 200
    hits = client.get("/search/", {"q": "golden agers", "exact": "1"}).context["hits"]
    assert [hit.title for hit in hits] == ["Friendly visits"]

    # Too many documents for the editor's request: left to a rebuild, and said so.
    monkeypatch.setattr("search.indexing.REINDEX_LIMIT", 0)
    form = concept_form(
        "Older people",
        [*labels, ("silver surfers", "en", "alternative")],
        broader=older.broader.all(),
        slug="older-people",
    )
    form["target_groups"] = [group.pk for group in older.target_groups.all()]
    response = admin_client.post(reverse(EDIT_URL, args=[older.pk]), form, follow=True)
    assert "search_index --rebuild" in response.content.decode()
    assert client.get("/search/", {"q": "silver surfers", "exact": "1"}).context["hits"] == []
