"""Reference data and formats in the reader's language: country names from CLDR, target
groups and themes from their per-language labels, regions in their own language, and dates,
numbers, money and time zones through portal/formats.py on pages, CSV, iCalendar, PDF."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from icalendar import Calendar

from portal import formats
from portal.models import Theme
from tests.factories import CountryFactory, RegionFactory, TargetGroupFactory, make_practice
from tests.factories_events import make_event_index, make_study_visit

OLDER = {"de": "Ältere Menschen", "it": "Persone anziane", "es": "Personas mayores"}
EMPLOYMENT = {"de": "Beschäftigung", "it": "Occupazione"}


def address(url, language):
    """``url`` in ``language``: English unprefixed, the others under their prefix (/de/...);
    the address alone chooses the language (docs/languages.md)."""
    return url if language == "en" else f"/{language}{url}"


def fetch(client, url, language):
    response = client.get(address(url, language))
    assert response.status_code == 200
    if response.streaming:  # downloads are StreamingHttpResponse / FileResponse
        return b"".join(response.streaming_content)
    return response.content


def get(client, url, language):
    return fetch(client, url, language).decode()


@pytest.fixture
def italian_practice(practice_index):
    italy = CountryFactory(code="IT", name="Italy")
    region = RegionFactory(country=italy, name="Lombardia", name_en="Lombardy")
    group = TargetGroupFactory(name="Older people", labels=OLDER)
    theme = Theme.objects.create(name="employment", slug="employment", labels=EMPLOYMENT)
    return make_practice(
        practice_index,
        title="Social caretakers",
        country=italy,
        regions=[region],
        target_groups=[group],
        themes=[theme],
        status="ongoing",
        budgets=[
            {"amount": Decimal("800000"), "currency": "EUR", "period": "per-year-average"},
            {"amount": Decimal("879735.50"), "currency": "EUR", "period": "year", "year": 2013},
        ],
        outcomes=[{"label": "Caretakers", "value": Decimal(1400), "unit": "people"}],
    )


@pytest.mark.parametrize(
    "language, country, group, theme, whole, cents",
    [
        ("de", "Italien", OLDER["de"], EMPLOYMENT["de"], "800.000\xa0€", "879.735,50\xa0€"),
        ("it", "Italia", OLDER["it"], EMPLOYMENT["it"], "800.000\xa0€", "879.735,50\xa0€"),
    ],
)
def test_practice_page_in_german_and_italian(
    client, italian_practice, language, country, group, theme, whole, cents
):
    html = get(client, italian_practice.url, language)
    for text in [country, group, theme, whole, cents, "Lombardia", "1.400"]:
        assert text in html, text
    for english in ["Italy", "Older people", "EUR (", "800,000", "Lombardy"]:
        assert english not in html, english
    with translation.override(language):
        assert translation.gettext("per year (average)") in html
        assert translation.gettext("in %(year)s") % {"year": 2013} in html


def test_english_reader_gets_the_region_and_money_in_english(client, italian_practice):
    html = get(client, italian_practice.url, "en")
    for text in ["Italy", "Lombardia (Lombardy)", "Older people", "€800,000", "per year (average)"]:
        assert text in html, text


def test_cards_and_compare_use_the_same_budget_wording(client, italian_practice):
    html = get(client, "/practices/", "de")
    assert (
        "800.000\xa0€ " + _in("de", "per year (average)") in html
        and "Italien" in html
        and OLDER["de"] in html
    )
    html = get(client, f"/practices/compare/?p={italian_practice.pk}", "de")
    assert "879.735,50\xa0€ " + _in("de", "in %(year)s") % {"year": 2013} in html
    assert EMPLOYMENT["de"] in html


def _in(language, text):
    with translation.override(language):
        return translation.gettext(text)


def test_csv_export_follows_the_language(client, italian_practice):
    csv = get(client, "/practices/download/", "de")
    assert "Italien" in csv and OLDER["de"] in csv and EMPLOYMENT["de"] in csv
    assert "800.000\xa0€" in csv and "1.400" in csv
    assert "Italy" not in csv and "800000.00" not in csv
    csv = get(client, "/practices/download/", "en")
    assert "Italy" in csv and "€800,000" in csv


@pytest.fixture
def helsinki_visit(site_pages):
    return make_study_visit(
        make_event_index(site_pages[0]),
        title="Helsinki visit",
        start_date=datetime.date(2027, 12, 2),
        end_date=datetime.date(2027, 12, 3),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(17, 0),
        time_zone="Europe/Helsinki",
        venue_country=CountryFactory(code="FI", name="Finland"),
    )


def test_event_page_dates_and_time_zone_in_german(client, helsinki_visit):
    html = get(client, helsinki_visit.url, "de")
    for text in ["02.12.2027", "09:30", "17:00", "Osteuropäische Zeit", "Finnland"]:
        assert text in html, text
    assert "Europe/Helsinki" not in html.split("<body", 1)[1]


def test_ical_description_is_written_in_the_readers_language(client, helsinki_visit):
    (vevent,) = Calendar.from_ical(fetch(client, f"{helsinki_visit.url}ics/", "it")).walk("VEVENT")
    description = str(vevent["DESCRIPTION"])
    assert "dic 2027" in description and "09:30" in description
    assert "Ora dell’Europa orientale" in description
    assert "Finlandia" in str(vevent["LOCATION"])


def test_worksheet_deadline_and_pdf_report_dates(client, site_pages):
    from pypdf import PdfReader

    from tests.factories_reviews import make_worksheet

    # Closed: anyone opening it reads "This worksheet closed on <deadline>."
    deadline = timezone.make_aware(datetime.datetime(2025, 12, 2, 17, 20))
    worksheet = make_worksheet(deadline=deadline)
    html = get(client, worksheet.url, "en")
    assert "2 December 2025, 17:20 Central European Time.</strong>" in html
    assert "p.m." not in html and "..<" not in html
    html = get(client, worksheet.url, "de")
    assert "2. Dezember 2025, 17:20 Mitteleuropäische Zeit" in html

    client.force_login(_superuser())
    response = client.get(address(worksheet.url + "report/pdf/", "de"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    today = formats.format_date(timezone.now(), language="de")
    assert today in " ".join(text.split())


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "€800,000"),
        ("de", "800.000\xa0€"),
        ("nl", "€\xa0800.000"),
        ("fr", "800\u202f000\xa0€"),
        ("bg", "800\xa0000\xa0€"),
    ],
)
def test_money_in_each_languages_own_pattern(language, expected):
    assert formats.format_money(800000, "EUR", language=language) == expected


def test_every_interface_language_names_countries_and_zones_in_its_own_words(settings):
    seen = set()
    for code, _name in settings.LANGUAGES:
        germany = formats.country_name("DE", language=code)
        zone = formats.timezone_name("Europe/Brussels", language=code)
        assert germany and zone and zone != "Europe/Brussels"
        seen.add(germany)
    assert {"Germany", "Deutschland", "Germania", "Allemagne", "Германия"} <= seen
    assert len(seen) >= 9  # Italian and Romanian both say "Germania"
