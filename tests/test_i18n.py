"""The portal speaks the partners' languages: every catalogue in locale/ is complete, keeps
the placeholders, is compiled from its current .po, and the pages follow the visitor's choice."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sdf]|\{\w*\}")


def language(po_path):
    return po_path.parent.parent.name


def entries(po_path):
    return [entry for entry in polib.pofile(str(po_path)) if not entry.obsolete]


def test_there_are_catalogues_for_languages_the_portal_offers():
    offered = {code for code, _name in settings.LANGUAGES}
    assert CATALOGUES, "no catalogues in locale/"
    assert {language(path) for path in CATALOGUES} <= offered


@pytest.mark.parametrize("po_path", CATALOGUES, ids=language)
def test_catalogue_is_complete_and_keeps_placeholders(po_path):
    catalogue = polib.pofile(str(po_path))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in entries(po_path):
        if entry.msgid_plural:
            # Form 0 is the singular; every other form stands for the English plural.
            pairs = [
                (entry.msgid if form == 0 else entry.msgid_plural, text)
                for form, text in entry.msgstr_plural.items()
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), source


@pytest.mark.parametrize("po_path", CATALOGUES, ids=language)
def test_compiled_catalogue_matches_the_po_file(po_path):
    """`make messages` compiles the .mo next to the .po; a stale one would show old text."""
    with translation.override(language(po_path)):
        for entry in entries(po_path):
            if entry.msgid_plural:
                for n, form in ((1, 0), (2, 1)):
                    if entry.msgctxt:
                        got = translation.npgettext(
                            entry.msgctxt, entry.msgid, entry.msgid_plural, n
                        )
                    else:
                        got = translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    assert got == entry.msgstr_plural[form], entry.msgid
            elif entry.msgctxt:
                assert translation.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
            else:
                assert translation.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.django_db
def test_pages_follow_the_language_of_their_address(client):
    """The address decides (docs/languages.md): /it/... in Italian, /es/... in Spanish, the
    unprefixed addresses in English whatever the browser asks for."""
    from tests.factories import make_site

    make_site()
    with translation.override("it"):
        italian_heading = translation.gettext("Search good practices")
    with translation.override("es"):
        spanish_heading = translation.gettext("Search good practices")
    assert italian_heading != "Search good practices" != spanish_heading

    html = client.get("/it/search/").content.decode()
    assert '<html lang="it">' in html and italian_heading in html
    html = client.get("/es/search/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert '<html lang="es">' in html and spanish_heading in html
    html = client.get("/search/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert '<html lang="en">' in html
    # The language links go to the same view in each language.
    assert 'href="/es/search/" lang="es"' in html


@pytest.mark.django_db
def test_search_words_code_labels_in_the_visitors_language(client, practice_index):
    """The index was built in English; types, statuses, ranges, "ongoing" and event kinds
    and dates still follow the visitor's language."""
    import datetime
    from decimal import Decimal

    from django.utils import formats

    from learning_events.models import PeerReviewWorkshopPage
    from practices.models import PracticeStatus
    from search.facets import BUDGET_BANDS
    from tests.factories import make_practice
    from tests.factories_events import make_workshop

    make_practice(
        practice_index,
        title="Village caretakers",
        status=PracticeStatus.PILOT,
        start_year=2021,
        budgets=[{"amount": Decimal(80_000), "currency": "EUR"}],
    )
    held = datetime.date(2027, 5, 4)
    make_workshop(title="Village caretakers peer review", start_date=held, end_date=held)
    with translation.override("it"):
        expected = [
            translation.gettext("Good practice"),
            translation.gettext("Learning event"),
            str(PracticeStatus.PILOT.label),
            str(BUDGET_BANDS[0][1]),
            "2021–" + translation.gettext("ongoing"),
            str(PeerReviewWorkshopPage._meta.verbose_name).capitalize(),
            formats.date_format(held, "j M Y"),
        ]
    with translation.override("en"):
        english = [
            "Good practice",
            "Learning event",
            "Pilot",
            str(BUDGET_BANDS[0][1]),
            "2021–ongoing",
            "Peer-review workshop",
            "4 May 2027",
        ]
    assert all(a != b for a, b in zip(expected, english, strict=True))

    response = client.get("/it/search/", {"q": "village caretakers"})
    html = response.content.decode()
    for text in expected:
        assert text in html
    for text in english:
        assert not re.search(rf"\b{re.escape(text)}\b", html), text
