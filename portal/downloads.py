"""Public records taken away as CSV, XLSX or JSON: a result set of /search/, or chosen
records (the compare table). One row per record, its summary schema's fields as columns
(portal/records.py), so a download holds what the API's list holds. Streamed: records are
read through the type's recipe a chunk at a time and written out as they come; a 5,000-row
download never holds them all (docs/api.md, docs/practices.md)."""

import csv
import io
import json
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja.responses import NinjaJSONEncoder

from search.engines import search
from search.query import SearchQuery

from .exports import cell
from .formats import format_number
from .public_address import absolute_url
from .records import construct, record_row, records_in_language
from .spreadsheets import xlsx_response

# Rows per query when reading records for a download: bounded memory, few queries.
CHUNK = 500
# A download of search results stops after this many rows (docs/api.md says so).
DOWNLOAD_LIMIT = 5000
FORMATS = ("csv", "xlsx", "json")


def search_ids(params, record, limit=None):
    """The ids of ``record``'s type the search finds for these request parameters, in the
    search's order, at most ``limit``: the same query, facets and thesaurus expansion as the
    search page."""
    limit = DOWNLOAD_LIMIT if limit is None else limit
    asked = SearchQuery.from_params(params)
    filters = {**asked.filters, "type": [record.key]}
    # One page of ``limit`` hits: each page of a search ranks every match again, so ten
    # pages of 500 cost ten times what one of 5,000 costs (the ids are small to hold).
    query = SearchQuery(
        asked.text,
        filters,
        asked.sort,
        1,
        max(1, limit),
        snippets=False,
        expansions=asked.expansions,
        exact=asked.exact,
    )
    results = search(query)
    ids = [hit.object_id for hit in results.hits if hit.type == record.key]
    return asked, ids[:limit], results.total


def records_in_order(record, ids, request=None, chunk=None):
    """The validated summaries (schema instances) of the public records with these ids, in
    the order of ``ids``, read through the recipe ``chunk`` at a time; missing ones skipped.
    Each in the language of the page the download is from, where it has a version in it,
    otherwise its original (``records.records_in_language``: the rule of every listing)."""
    context = {"request": request}
    chunk = chunk or CHUNK
    ids = list(ids)
    language = translation.get_language()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        by_id = record.summary_sources(part)
        records_in_language(record, by_id.values(), language)
        for pk in part:
            if pk in by_id:
                yield construct(record.summary, by_id[pk], context)


def _stamp():
    return timezone.localdate().isoformat()


def _filename(name, extension):
    return f"{name}-{_stamp()}.{extension}"


def _csv_text(value):
    """Amounts in the reader's number format (a CSV holds text; the XLSX keeps numbers),
    dates in ISO form; whole numbers (ids, years) as they are."""
    if isinstance(value, float | Decimal):
        return format_number(value)
    return value


def csv_rows(header, rows):
    """The CSV text of a header and rows, a line at a time (with a BOM first, so that
    spreadsheet programs read the accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values):
        writer.writerow([cell(_csv_text(value)) for value in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)


def csv_response(name, header, rows):
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    return response


def json_chunks(records, about):
    """``{"about": {...}, "results": [summary, ...]}``, a record at a time."""
    yield '{"about": ' + json.dumps(about, cls=NinjaJSONEncoder) + ', "results": ['
    first = True
    for summary in records:
        # The API's own encoder, so that a record reads exactly as in the API's list.
        yield ("" if first else ", ") + json.dumps(summary.model_dump(), cls=NinjaJSONEncoder)
        first = False
    yield "]}"


def records_response(request, record, records, fmt, name, about):
    """The download of these validated summaries in ``fmt`` ("csv", "xlsx" or "json")."""
    columns = record.columns()
    names = [field for field, _heading in columns]
    header = [str(heading) for _field, heading in columns]
    if fmt == "json":
        response = StreamingHttpResponse(
            json_chunks(records, {str(label): value for label, value in about}),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(name, "json")}"'
        return response

    rows = (record_row(summary, names) for summary in records)
    if fmt == "xlsx":
        return xlsx_response(
            _filename(name, "xlsx"), header, rows, about, title=str(record.label_plural)
        )
    return csv_response(name, header, rows)


def search_download(request, record, fmt):
    """What /search/ finds of ``record``'s type for the request's query string, downloaded."""
    asked, ids, total = search_ids(request.GET, record)
    about = [
        (_("Portal search"), absolute_url(request.get_full_path())),
        (_("Words"), asked.text),
        *[
            (_("Filter: %(facet)s") % {"facet": key}, "; ".join(values))
            for key, values in asked.filters.items()
            if key != "type"
        ],
        (_("Type"), str(record.label_plural)),
        (_("Results found"), total),
        (_("Rows in this download"), len(ids)),
        (_("Downloaded on"), timezone.localdate()),
    ]
    records = records_in_order(record, ids, request)
    return records_response(request, record, records, fmt, record.path, about)
