"""A rebuild writes exactly what page-by-page indexing writes: the bulk document path (plain
values rather than page instances) and the bulk insert path are shortcuts, not other rules."""

from dataclasses import asdict
from decimal import Decimal

import pytest

from portal.models import CooperationProject, FundingProgramme, Organisation, Region
from practices.models import PracticeStatus
from practices.search_documents import (
    practice_document,
    practice_documents,
    practice_search_type,
)
from search.engines.embedded import EmbeddedEngine
from search.models import FacetLabel, IndexedDocument, IndexedFacetValue, VocabularyWord
from search.query import SearchQuery
from search.registry import iter_documents
from tests.factories import CountryFactory, OrganisationFactory, make_practice
from tests.factories_events import make_event_index, make_workshop
from tests.factories_search import make_search_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def practices():
    corpus = make_search_corpus()
    index = corpus["home"].get_parent()
    fi = CountryFactory(code="FI", name="Finland")
    # Partners out of name order, Markdown with links and markup, no start year, a programme
    # of its own beside a project's, no budget.
    corpus["markdown"] = make_practice(
        index,
        title="Markdown *and* partners",
        summary="Links: [the guide](https://example.org/guide) and ![](image.png).",
        context="# Heading\n\nSee [the **report**](https://example.org) | table | `code`.",
        practice="> quoted _emphasis_ and a [bare link]( ) here.",
        country=fi,
        partners=[
            OrganisationFactory(name="Zeta Foundation", country=fi),
            OrganisationFactory(name="alpha cooperative", country=fi),
            OrganisationFactory(name="Beta Association", country=fi),
        ],
        project=corpus["home"].project,
        funding_programme=FundingProgramme.EASI,
        status=PracticeStatus.COMPLETED,
    )
    corpus["ended"] = make_practice(
        index,
        title="Ended practice",
        country=fi,
        start_year=2009,
        end_year=2011,
        budgets=[{"amount": Decimal("99999.99"), "currency": "EUR"}],
    )
    return corpus


def test_bulk_documents_equal_page_documents(practices):
    search_type = practice_search_type()
    by_page = {p.pk: asdict(practice_document(p)) for p in search_type.findable()}
    by_rows = {d.object_id: asdict(d) for d in practice_documents(search_type.findable(bulk=True))}
    assert len(by_page) == 7
    assert by_rows == by_page
    markdown = by_rows[practices["markdown"].pk]
    # Partners in the database's name order (its collation), whichever path.
    partners = practices["markdown"].partner_organisations.order_by("name")
    assert markdown["names"][2:5] == [o.name for o in partners]
    assert "the **report**" in markdown["body"]
    assert "https" not in markdown["body"]
    assert markdown["display"]["years"] == ""
    assert by_rows[practices["ended"].pk]["display"]["years"] == "2009–2011"


def _index_contents():
    documents = {
        d.pop("id"): d
        for d in IndexedDocument.objects.values(*[f.attname for f in IndexedDocument._meta.fields])
    }
    keys = {pk: (d["doc_type"], d["object_id"]) for pk, d in documents.items()}
    facet_values = sorted(
        (keys[document_id], facet, value)
        for document_id, facet, value in IndexedFacetValue.objects.values_list(
            "document_id", "facet", "value"
        )
    )
    return (
        sorted(documents.values(), key=lambda d: (d["doc_type"], d["object_id"])),
        facet_values,
        set(FacetLabel.objects.values_list("facet", "value", "label")),
        set(VocabularyWord.objects.values_list("word", flat=True)),
    )


def test_rebuild_writes_what_indexing_document_by_document_writes(practices, monkeypatch):
    make_workshop(make_event_index(), title="Peer review in Valladolid")
    engine = EmbeddedEngine()
    # Several batches of each kind, one of them holding both practices and an event.
    monkeypatch.setattr(EmbeddedEngine._IndexWriter, "BATCH", 3)
    # 7 practices and an event, and the regions, organisations and projects they name.
    records = Region.objects.count() + Organisation.objects.count()
    records += CooperationProject.objects.count()
    assert records > 0
    assert engine.rebuild(iter_documents(batch_size=3)) == 8 + records
    rebuilt = _index_contents()
    assert len(rebuilt[0]) == 8 + records
    assert len(rebuilt[1]) > 40

    for model in (IndexedFacetValue, IndexedDocument, VocabularyWord, FacetLabel):
        model.objects.all().delete()
    for _search_type, _count, documents in iter_documents():
        for document in documents:
            engine.index_documents([document])
    assert _index_contents() == rebuilt

    # The full-text index follows the rebuilt rows: a word from a body, a name, a title.
    engine.rebuild(iter_documents())
    for text, title in [
        ("concierges", "Social caretakers in public housing"),
        ("zeta", "Markdown *and* partners"),
        ("valladolid", "Peer review in Valladolid"),
    ]:
        hits = engine.search(SearchQuery(text=text, filters={"type": ["practice", "event"]})).hits
        assert [hit.title for hit in hits] == [title]
