"""Template filters over portal/formats.py: dates, times, numbers, money and time zones in the
visitor's language. ``{% load portal_formats %}``, then e.g. ``{{ event.start_date|local_date }}``,
``{{ worksheet.deadline|local_datetime }}``, ``{{ amount|money:"EUR" }}``, ``{{ 1400|number }}``,
``{{ event.time_zone|tz_name }}``."""

from django import template

from portal import formats

register = template.Library()


@register.filter
def local_date(value, width="long"):
    return formats.format_date(value, width or "long")


@register.filter
def local_datetime(value, width="long"):
    return formats.format_datetime(value, width or "long")


@register.filter
def local_time(value, tz=None):
    return formats.format_time(value, tz)


@register.filter
def date_range(start, end):
    return formats.format_date_range(start, end)


@register.filter
def number(value, decimals=None):
    return formats.format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def money(value, currency="EUR"):
    return formats.format_money(value, currency)


@register.filter
def tz_name(value):
    return formats.timezone_name(value)
