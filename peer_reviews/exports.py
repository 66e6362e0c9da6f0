"""CSV and XLSX files of a worksheet's answers (its report's PDF: portal/pdf.py)."""

import io

from portal.exports import cell as spreadsheet_value


def to_xlsx(headings, rows, title):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or "Answers")[:31].translate({ord(c): " " for c in "[]:*?/\\"})
    sheet.append([str(h) for h in headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_value(v) for v in row])
    for index, _heading in enumerate(headings, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 18 if index <= 7 else 45
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
