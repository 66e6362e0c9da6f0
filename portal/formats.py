"""Dates, times, numbers, money, time zones and country names in the visitor's language.

The one formatting module: pages (through the ``portal_formats`` template filters), emails,
iCalendar descriptions, CSV exports and the peer-review PDF all call these functions, so a
German reader sees "2. Dezember 2027, 17:20 Mitteleuropäische Zeit" and "800.000 €" wherever
the portal writes them. The data is CLDR's, through Babel (docs/languages-reference-data.md).

Every function takes an optional ``language`` (a Django language code); without it, the active
translation's language is used.
"""

import copy
import datetime
import functools
import zoneinfo
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import timezone, translation

# A European portal writes English day-month-year with a 24-hour clock, so English is CLDR's
# British English ("2 December 2027, 17:20"), not US English ("Dec 2, 2027, 5:20 PM").
BABEL_LOCALE_FOR = {"en": "en_GB"}


@functools.cache
def _locale(language):
    try:
        return Locale.parse(BABEL_LOCALE_FOR.get(language, language).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(BABEL_LOCALE_FOR.get(settings.LANGUAGE_CODE, "en_GB"))


def language_code(language=None):
    """The Django language code in effect: ``language``, else the active one, else the site's."""
    return (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def babel_locale(language=None):
    return _locale(language_code(language))


# -- Dates and times -------------------------------------------------------------------------


def _as_local(value, tz=None):
    """An aware datetime in ``tz`` (or the current time zone); naive ones are taken as local."""
    tz = _zone(tz) or timezone.get_current_timezone()
    if timezone.is_naive(value):
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def _zone(tz):
    if tz is None or isinstance(tz, datetime.tzinfo):
        return tz
    try:
        return zoneinfo.ZoneInfo(str(tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def format_date(value, width="long", language=None):
    """``2. Dezember 2027`` (long), ``02.12.2027`` (medium), ``02.12.27`` (short); "" for None.
    A datetime is first converted to the current time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = _as_local(value).date()
    return babel_dates.format_date(value, width, locale=babel_locale(language))


def format_time(value, tz=None, language=None):
    """``17:20`` in the locale's short time pattern; a datetime is converted to ``tz`` first."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = _as_local(value, tz).time()
    return babel_dates.format_time(value, "short", locale=babel_locale(language))


def format_datetime(value, width="long", tz=None, with_zone=False, language=None):
    """``2. Dezember 2027, 17:20`` (the locale's own joining of date and time), with the time
    zone's name appended when ``with_zone`` is true."""
    if value is None or value == "":
        return ""
    local = _as_local(value, tz)
    locale = babel_locale(language)
    date_text = babel_dates.format_date(local.date(), width, locale=locale)
    time_text = babel_dates.format_time(local.time(), "short", locale=locale)
    pattern = babel_dates.get_datetime_format(width, locale=locale)
    text = pattern.replace("'", "").replace("{0}", time_text).replace("{1}", date_text)
    if with_zone:
        text = f"{text} {timezone_name(local.tzinfo, language=language)}"
    return text


def format_date_range(start, end, width="medium", language=None):
    """``2.–3. Dez. 2027``, ``30 Nov – 2 Dec 2027`` in the locale's interval patterns (CLDR
    has long ones for few languages, so the default is medium)."""
    if not start:
        return ""
    if not end or end == start:
        return format_date(start, width, language)
    skeleton = {"long": "yMMMMd", "medium": "yMMMd", "short": "yMd"}.get(width, "yMMMd")
    return babel_dates.format_interval(start, end, skeleton, locale=babel_locale(language))


def timezone_name(tz, language=None):
    """The zone's generic local name, "Mitteleuropäische Zeit" / "Central European Time", not
    its database key "Europe/Brussels". Unknown zones come back as given."""
    zone = _zone(tz)
    if zone is None:
        return str(tz or "")
    name = babel_dates.get_timezone_name(
        zone, "long", "generic", locale=babel_locale(language), return_zone=False
    )
    return name or str(tz)


# -- Numbers and money -------------------------------------------------------------------------


def _is_whole(value):
    return Decimal(str(value)) == Decimal(str(value)).to_integral_value()


def format_number(value, decimals=None, language=None):
    """``1.400`` / ``228.868,52``: grouping and decimal signs of the language. Whole numbers
    get no decimals; others keep up to ``decimals`` (default: as many as they have, at most 2)."""
    if value is None or value == "":
        return ""
    locale = babel_locale(language)
    if _is_whole(value):
        return babel_numbers.format_decimal(Decimal(str(value)), "#,##0", locale=locale)
    pattern = "#,##0." + "#" * (2 if decimals is None else decimals)
    return babel_numbers.format_decimal(
        Decimal(str(value)), pattern, locale=locale, decimal_quantization=True
    )


def format_money(amount, currency="EUR", language=None):
    """``800.000 €`` (German), ``€800,000`` (English), ``228.868,52 €``: the amount in the
    language's currency pattern, without ",00" for whole amounts."""
    if amount is None or amount == "":
        return ""
    locale = babel_locale(language)
    currency = (currency or "EUR").upper()
    pattern = babel_numbers.parse_pattern(locale.currency_formats["standard"])
    if _is_whole(amount):
        # parse_pattern() returns a cached object: change a copy, never the shared one.
        pattern = copy.copy(pattern)
        pattern.frac_prec = (0, 0)
    return pattern.apply(Decimal(str(amount)), locale, currency=currency, currency_digits=False)


def currency_codes():
    """The ISO 4217 codes in current use (CLDR's list, through Babel)."""
    return _currency_codes()


@functools.cache
def _currency_codes():
    return frozenset(babel_numbers.list_currencies())


def currency_name(code, language=None):
    return babel_numbers.get_currency_name(code, locale=babel_locale(language))


def currency_choices(language=None):
    """[(code, "EUR – Euro")] sorted by code, names in the language."""
    locale = babel_locale(language)
    return [
        (code, f"{code} – {babel_numbers.get_currency_name(code, locale=locale)}")
        for code in sorted(_currency_codes())
    ]


# -- Countries -------------------------------------------------------------------------------


def country_name(code, language=None, default=""):
    """CLDR's name of the ISO 3166-1 country ``code`` in the language ("Deutschland")."""
    if not code:
        return default
    return babel_locale(language).territories.get(str(code).upper(), default or code)


def validate_currency_code(value):
    """Refuse anything but an ISO 4217 code in capitals ("EUR"); never guess ("EURO")."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if value not in _currency_codes():
        raise ValidationError(
            _(
                "“%(value)s” is not an ISO 4217 currency code. Choose one from the list, "
                "for example EUR for euros."
            ),
            code="invalid_currency",
            params={"value": value},
        )
