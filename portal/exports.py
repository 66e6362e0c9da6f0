"""Spreadsheet-safe CSV, shared by every download of the portal."""

import csv
import datetime
import io

from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if value is None:
        return ""
    text = str(value)
    # Spreadsheet programs run a cell starting with = + - @ as a formula: keep text as text.
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def to_csv(headings, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(h) for h in headings])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    # A BOM so that spreadsheet programs read the accents right.
    return "\ufeff" + buffer.getvalue()
