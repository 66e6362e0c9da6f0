"""Whole numbers typed by visitors: ids, page numbers, years from a query string or a form.

``str.isdigit()`` accepts "²" and "①", which ``int()`` then refuses, and ``int()`` accepts
"٣", " 7 " and "1_000"; a number past 64 bits overflows SQLite and PostgreSQL. Every view
that reads a number from a request goes through these helpers, so junk is simply "no number"
and never an error page."""

import re

# The largest id a database can hold (bigint / SQLite INTEGER). Ids asked for above it cannot
# exist, so they are not found rather than an error.
MAX_ID = 2**63 - 1

# ASCII digits only, an optional minus sign, and no more digits than a bigint has.
_INTEGER = re.compile(r"-?[0-9]{1,19}", re.ASCII)
_LONG_NUMBER = re.compile(r"[0-9]{20,}", re.ASCII)


def parse_int(value, *, low=-MAX_ID, high=MAX_ID):
    """``value`` (str, int or None) as an int when it is a plain decimal number within
    ``low``..``high``; otherwise None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if low <= number <= high else None


def parse_id(value):
    """A database id (1..MAX_ID) from a request, or None."""
    return parse_int(value, low=1, high=MAX_ID)


def clamp_int(value, default, low, high):
    """A number for a setting such as a page or page size: junk gives ``default``, a number
    out of range the nearest bound."""
    if isinstance(value, str) and _LONG_NUMBER.fullmatch(value.strip()):
        return high  # more digits than a bigint: as far as it goes
    number = parse_int(value)
    if number is None:
        return default
    return min(max(number, low), high)
