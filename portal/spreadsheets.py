"""XLSX downloads: one sheet of rows under a frozen header, and a second sheet saying what the
file holds (where it comes from, when it was made, which filters)."""

import datetime
import decimal
import io

from django.http import HttpResponse
from django.utils import timezone

from .exports import cell as text_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(value):
    """Numbers stay numbers and dates dates; text goes through the CSV rule that keeps a
    leading = + - @ from being run as a formula."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime.date):
        return value
    return text_cell(value)


def _sheet_title(title):
    return str(title)[:31].translate({ord(c): " " for c in "[]:*?/\\"}) or "Sheet"


def xlsx_bytes(header, rows, about, title="Data"):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading_cells = []
    for heading in header:
        heading_cell = WriteOnlyCell(sheet, value=str(heading))
        heading_cell.font = bold
        heading_cells.append(heading_cell)
    sheet.append(heading_cells)
    for row in rows:
        cells = []
        for value in row:
            value = _value(value)
            data_cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime.datetime):
                data_cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                data_cell.number_format = "yyyy-mm-dd"
            cells.append(data_cell)
        sheet.append(cells)
    about_sheet = workbook.create_sheet(_sheet_title("About"))
    for label, value in about:
        about_sheet.append([str(label), _value(value)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename, header, rows, about):
    """An XLSX download: ``rows`` (an iterable of lists) under ``header`` on the first sheet,
    header row frozen; ``about`` ((label, value) pairs) on a second sheet."""
    response = HttpResponse(xlsx_bytes(header, rows, about), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
