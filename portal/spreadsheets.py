"""XLSX downloads: real cells (numbers as numbers, dates as dates), a frozen header row, and a
second sheet saying what the download holds. Written with openpyxl's write-only mode, which
keeps each row on disk as it comes, and sent from a temporary file: a large download never
sits in memory."""

import datetime
import tempfile
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .exports import FORMULA_PREFIXES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit on a cell's text.
MAX_CELL_TEXT = 32_767


def xlsx_cell(value):
    """A value as openpyxl should write it: aware datetimes in the portal's time zone without
    it (Excel knows none), text that a spreadsheet would run as a formula kept as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, datetime.date):
        return value
    text = str(value)[:MAX_CELL_TEXT]
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_xlsx(target, header, rows, about, title=None):
    """Write the workbook to ``target`` (a path or a binary file): the first sheet holds
    ``header`` (frozen) and ``rows`` (an iterable of lists), the second the (label, value)
    pairs of ``about``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or _("Data"))[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading_cells = []
    for heading in header:
        cell = WriteOnlyCell(sheet, value=xlsx_cell(str(heading)))
        cell.font = bold
        heading_cells.append(cell)
    sheet.append(heading_cells)
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    info = workbook.create_sheet(title=_("About")[:31])
    for label, value in about:
        info.append([xlsx_cell(str(label)), xlsx_cell(value)])
    workbook.save(target)


def xlsx_response(filename, header, rows, about, title=None):
    """A download of the workbook ``write_xlsx`` makes, as ``filename`` (".xlsx" added when
    missing). Rows are written to a temporary file as they come, which is then streamed."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(spool, header, rows, about, title=title)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
