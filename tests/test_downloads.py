"""Any result set of /search/ downloads as CSV, XLSX and JSON (/search/download/): the same
rows as the search says, in its order, one column per field of the type's public record,
streamed, in a number of queries that does not grow with the rows."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import CountryFactory, make_practice
from tests.factories_events import make_study_visit
from tests.factories_search import theme

pytestmark = pytest.mark.django_db

DOWNLOAD = "/search/download/"


def body(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response):
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def workbook(response):
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(body(response)))


def search_titles(client, params):
    page = client.get("/search/", params)
    return page.context["results"].total, [hit.title for hit in page.context["hits"]]


@pytest.mark.parametrize(
    "params",
    [
        {"type": "practice"},
        {"type": "practice", "q": "older people"},
        {"type": "practice", "country": ["IT", "ES"], "sort": "budget"},
        {"type": "practice", "theme": "employment", "start": "2015-2019"},
    ],
)
def test_xlsx_holds_the_rows_the_search_page_shows(client, corpus, params):
    total, titles = search_titles(client, params)
    book = workbook(client.get(DOWNLOAD, {**params, "format": "xlsx"}))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Id", "Title", "Web address")
    assert [row[1] for row in rows[1:]] == titles
    assert len(rows) - 1 == total
    assert sheet.freeze_panes == "A2"
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["Results found"] == total == about["Rows in this download"]
    assert (about["Words"] or "") == params.get("q", "")  # an empty cell reads as None
    assert isinstance(about["Downloaded on"], datetime.datetime)


def test_xlsx_cells_are_numbers_and_dates(client, corpus):
    book = workbook(client.get(DOWNLOAD, {"type": "practice", "q": "caretakers", "format": "xlsx"}))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))
    caretaker = corpus["caretaker"]
    assert record["Id"] == caretaker.pk
    assert record["Start year"] == 2000 and record["End year"] is None
    assert record["Headline budget (EUR)"] == 2_000_000
    assert isinstance(record["First published"], datetime.datetime)
    assert record["Country"] == "Italy"
    assert record["Themes"] == "housing"


def test_csv_and_json_hold_the_same_records(client, corpus):
    params = {"type": "practice", "q": "people", "sort": "budget"}
    total, titles = search_titles(client, params)
    table = csv_rows(client.get(DOWNLOAD, {**params, "format": "csv"}))
    assert [row[1] for row in table[1:]] == titles
    response = client.get(DOWNLOAD, {**params, "format": "json"})
    assert response["Content-Type"] == "application/json"
    data = json.loads(body(response))
    assert [item["title"] for item in data["results"]] == titles
    assert data["about"]["Results found"] == total
    # The API's summary schema: the list of /api/v1/practices/ gives the same records.
    api = client.get("/api/v1/practices/", {"q": "people", "sort": "budget"}).json()
    listed = [{k: v for k, v in item.items() if k != "match"} for item in api["results"]]
    assert data["results"] == listed


def test_every_searchable_record_type_downloads(client, corpus):
    make_study_visit(title="Study visit to Milan", summary="Caretakers at work.")
    table = csv_rows(client.get(DOWNLOAD, {"type": "event", "format": "csv"}))
    assert table[0][:3] == ["Id", "Title", "Web address"]
    assert [row[1] for row in table[1:]] == ["Study visit to Milan"]
    projects = csv_rows(client.get(DOWNLOAD, {"type": "project"}))
    assert sorted(row[1] for row in projects[1:]) == ["NEAR", "PACT"]
    countries = workbook(client.get(DOWNLOAD, {"type": "region", "format": "xlsx"}))
    assert countries.worksheets[0].max_row - 1 == search_titles(client, {"type": "region"})[0]


def test_every_type_downloads_the_records_the_api_lists(client, corpus):
    """Download rows are built from the schemas' resolvers without pydantic's validation
    (portal.records.construct); the API's list validates them: both give the same records,
    for every type whose list is a search."""
    from portal.records import public_records

    make_study_visit(title="Study visit to Milan", summary="Caretakers at work.")
    for record in public_records().values():
        if not record.searchable:
            continue
        response = client.get(DOWNLOAD, {"type": record.key, "format": "json"})
        downloaded = json.loads(body(response))["results"]
        listed = client.get(f"/api/v1/{record.path}/", {"per_page": 100}).json()["results"]
        assert downloaded, record.key
        assert downloaded == [{k: v for k, v in item.items() if k != "match"} for item in listed]


@pytest.mark.parametrize("params", [{}, {"type": ["practice", "event"]}, {"type": "nothing"}])
def test_one_type_must_be_chosen(client, corpus, params):
    assert client.get(DOWNLOAD, params).status_code == 404


def test_junk_gives_a_file_of_nothing(client, corpus):
    params = {"type": "practice", "q": "\x00zzzz", "page": "x", "budget": "nonsense"}
    assert len(csv_rows(client.get(DOWNLOAD, {**params, "format": "csv"}))) == 1
    book = workbook(client.get(DOWNLOAD, {**params, "format": "xlsx"}))
    assert book.worksheets[0].max_row == 1
    assert json.loads(body(client.get(DOWNLOAD, {**params, "format": "json"})))["results"] == []


def _add_practices(country, start, count):
    for n in range(start, start + count):
        make_practice(title=f"Club {n}", country=country, themes=[theme("housing")])


def _queries(client, params):
    """(queries, rows) of a download, made twice: the first fills the search's caches."""
    body(client.get(DOWNLOAD, params))
    with CaptureQueriesContext(connection) as captured:
        content = body(client.get(DOWNLOAD, params))
    if params["format"] == "xlsx":
        rows = load_workbook(io.BytesIO(content)).worksheets[0].max_row - 1
    elif params["format"] == "json":
        rows = len(json.loads(content)["results"])
    else:
        rows = len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) - 1
    return len(captured.captured_queries), rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_download_queries_do_not_grow_with_the_rows(client, corpus, fmt, monkeypatch):
    """Records are read a chunk at a time through the recipe: 3 rows or 9 (one chunk) cost
    the same queries; 19 rows (two chunks) one more round, never one more per row."""
    from portal import downloads

    monkeypatch.setattr(downloads, "CHUNK", 10)
    country = CountryFactory(code="FI", name="Finland")
    params = {"type": "practice", "country": "FI", "format": fmt}
    _add_practices(country, 0, 3)
    few, rows = _queries(client, params)
    assert rows == 3 and few > 0
    _add_practices(country, 3, 6)
    assert _queries(client, params) == (few, 9)
    _add_practices(country, 9, 10)
    nineteen, rows = _queries(client, params)
    assert rows == 19 and nineteen <= 2 * few


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_download_of_thirty_costs_the_queries_of_three(client, corpus, fmt):
    """Within one chunk (portal.downloads.CHUNK) the queries are the same for 3 rows or 30:
    no query, URL lookup or relation read per row."""
    country = CountryFactory(code="FI", name="Finland")
    params = {"type": "practice", "country": "FI", "format": fmt}
    _add_practices(country, 0, 3)
    three, rows = _queries(client, params)
    assert rows == 3
    _add_practices(country, 3, 27)
    assert _queries(client, params) == (three, 30)
