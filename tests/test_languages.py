"""Content in several languages (docs/languages.md): language prefixes, hreflang alternates
and language links, the fallback to the original with a notice, human and machine
translations, the translation workflow in the admin with wagtail-localize's DummyTranslator,
and search listing a record once whichever version it was found through."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override
from wagtail.models import Locale

from portal.demo import ensure_translation
from portal.models import TranslatedVersion, TranslationKind
from tests.factories import make_practice, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(practice_index):
    return make_practice(
        practice_index,
        title="Village caretakers",
        summary="Caretakers visit older people who live alone in public housing.",
    )


def notice(html):
    found = re.search(r'<p class="version-notice" data-version="(\w+)">(.*?)</p>', html, re.S)
    return (found.group(1), found.group(2)) if found else (None, "")


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


def test_a_page_without_a_german_version_shows_the_original_with_a_notice(client, practice):
    response = client.get(f"/de{practice.url}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html and "Village caretakers" in html
    assert notice(html)[0] == "fallback"
    # Public and cacheable: no cookie, no CSRF token, no Vary on the browser's language.
    assert not response.cookies and "csrfmiddlewaretoken" not in html
    assert response["Cache-Control"].startswith("public")
    assert client.get("/de/practices/no-such-practice/").status_code == 404


def test_every_page_has_hreflang_alternates_and_plain_language_links(client, practice):
    html = client.get(practice.url).content.decode()
    links = alternates(html)
    assert set(links) == {"x-default", "en", "es", "it", "fr", "ro", "fi", "cs", "nl", "bg"} | {
        "da",
        "de",
    }
    assert links["x-default"] == f"http://localhost{practice.url}"
    assert links["en"] == f"http://localhost{practice.url}"
    assert links["de"] == f"http://localhost/de{practice.url}"
    assert f'<a href="/it{practice.url}" lang="it" hreflang="it">' in html
    assert "<form" not in html.split('class="language-links"')[1].split("</nav>")[0]
    assert notice(html)[0] is None  # no other version yet: nothing to say

    # Views that are not Wagtail pages keep their query string in every language.
    html = client.get("/search/?q=care").content.decode()
    assert alternates(html)["fr"] == "http://localhost/fr/search/?q=care"
    assert 'href="/fr/search/?q=care"' in html
    assert '<html lang="fr">' in client.get("/fr/search/?q=care").content.decode()


def test_a_human_translation_says_so_and_links_to_the_original(client, practice):
    assert ensure_translation(practice, "it", title="Custodi di quartiere") == "created"
    italian = practice.get_translation(Locale.objects.get(language_code="it"))
    assert TranslatedVersion.objects.get(page=italian).kind == TranslationKind.HUMAN
    assert ensure_translation(practice, "it", title="Custodi di quartiere") == "unchanged"

    html = client.get(italian.url).content.decode()
    assert italian.url == f"/it{practice.url}"
    assert "Custodi di quartiere" in html and '<html lang="it">' in html
    kind, text = notice(html)
    assert kind == "human" and f'href="{practice.url}"' in text

    # The original says it is one, and its Italian link goes to the translation.
    html = client.get(practice.url).content.decode()
    assert notice(html)[0] == "original"
    assert alternates(html)["it"] == f"http://localhost{italian.url}"
    assert f'<a href="{italian.url}" lang="it"' in html

    # Listings show each record once, in the visitor's version where there is one
    # (tests/test_languages_listings.py).
    html = client.get("/practices/").content.decode()
    assert html.count(f'href="{practice.url}"') >= 1 and italian.url not in html
    html = client.get("/it/practices/").content.decode()
    assert "Custodi di quartiere" in html and f'href="{italian.url}"' in html


def test_search_finds_a_practice_by_its_italian_title_and_lists_it_once(client, practice):
    make_practice(practice.get_parent(), title="Home care for older people", summary="Visits.")
    ensure_translation(practice, "it", title="Custodi sociali di quartiere")
    italian = practice.get_translation(Locale.objects.get(language_code="it"))

    html = client.get("/search/", {"q": "custodi"}).content.decode()
    assert html.count('class="search-hit ') == 1
    assert f'href="{practice.url}"' in html and "Village caretakers" in html

    html = client.get("/it/search/", {"q": "custodi"}).content.decode()
    assert html.count('class="search-hit ') == 1
    assert f'href="{italian.url}"' in html and "Custodi sociali di quartiere" in html

    # Found through its English text too, still once; the others are marked with their
    # language in an Italian visitor's results.
    html = client.get("/it/search/", {"q": "older people"}).content.decode()
    assert html.count('class="search-hit ') == 2
    assert "Custodi sociali di quartiere" in html and "Village caretakers" not in html
    assert html.count('class="language-marker"') == 1

    # Facet counts do not count the translation.
    html = client.get("/search/", {"q": "caretakers"}).content.decode()
    assert html.count('class="search-hit ') == 1


def test_the_translation_workflow_with_the_machine_translator(
    client, admin_client, practice, django_capture_on_commit_callbacks
):
    italian_locale = Locale.objects.get(language_code="it")
    response = admin_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[practice.pk]),
        {"locales": [italian_locale.pk]},
    )
    assert response.status_code == 302
    italian = practice.get_translation(italian_locale)
    assert not italian.live
    assert TranslatedVersion.objects.get(page=italian).kind == TranslationKind.HUMAN

    from wagtail_localize.models import Translation

    translation = Translation.objects.get(
        source__object_id=practice.translation_key, target_locale=italian_locale
    )
    # The translation editor, PO download for translators.
    edit_url = reverse("wagtailadmin_pages:edit", args=[italian.pk])
    assert admin_client.get(edit_url).status_code == 200
    po = admin_client.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))
    assert po.status_code == 200 and 'msgid "Village caretakers"' in po.content.decode()

    response = admin_client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]) + f"?next={edit_url}"
    )
    assert response.status_code == 302
    # wagtail-localize publishes once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(edit_url, {"action": "publish"})
    assert response.status_code in (200, 302)
    italian.refresh_from_db()
    assert italian.live
    # DummyTranslator reverses the words of each string.
    assert italian.title == "caretakers Village"
    version = TranslatedVersion.objects.get(page=italian)
    assert version.kind == TranslationKind.MACHINE and version.needs_review

    html = client.get(italian.url).content.decode()
    kind, text = notice(html)
    with override("it"):  # the notice is in the page's language
        not_yet = gettext("Machine translation, not yet reviewed by an editor.")
        reviewed = gettext("Machine translation, reviewed by an editor.")
    assert not_yet != "Machine translation, not yet reviewed by an editor."
    assert kind == "machine" and not_yet in text and f'href="{practice.url}"' in text

    # An editor marks it as reviewed from the report of translations to review.
    listing = admin_client.get(reverse("portal_translations_to_review")).content.decode()
    assert f'href="{edit_url}">caretakers Village</a>' in listing
    review = reverse("portal_review_translation", args=[italian.pk])
    assert admin_client.get(review).status_code == 200
    assert admin_client.post(review).status_code == 302
    version.refresh_from_db()
    assert version.reviewed_at is not None and not version.needs_review
    html = client.get(italian.url).content.decode()
    assert reviewed in notice(html)[1] and not_yet not in notice(html)[1]
    listing = admin_client.get(reverse("portal_translations_to_review")).content.decode()
    assert f'href="{edit_url}"' not in listing


def test_reviewing_needs_permission_to_edit_the_page(client, practice):
    from tests.factories import UserFactory

    ensure_translation(practice, "fr", title="Gardiens de quartier")
    french = practice.get_translation(Locale.objects.get(language_code="fr"))
    TranslatedVersion.objects.filter(page=french).update(kind=TranslationKind.MACHINE)
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("portal_review_translation", args=[french.pk]))
    assert response.status_code in (302, 403)
    assert TranslatedVersion.objects.get(page=french).reviewed_at is None


def test_locales_exist_for_every_interface_language():
    make_site()
    from django.conf import settings

    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert {code for code, _name in settings.LANGUAGES} <= codes
