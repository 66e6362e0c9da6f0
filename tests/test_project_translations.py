"""Cooperation projects in several languages (docs/languages.md): wagtail-localize's snippet
translation in the admin (with its DummyTranslator), a translation is never a second project
(listings, facets, API, chooser, roles), visitors read the project in their language, search
finds a project through any of its versions, and a translated practice keeps the original
project."""

import re

import pytest
from django.urls import reverse
from wagtail.models import Locale

from portal.demo import ensure_record_translation, ensure_translation
from portal.models import CooperationProject, RoleGroup
from tests.factories import CooperationProjectFactory, CountryFactory, make_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(site_pages):
    project = CooperationProjectFactory(
        acronym="NEAR",
        slug="near",
        name="Community care network",
        summary="Regions learn together how to build person-centred social care.",
    )
    project.countries.set([CountryFactory(code="FI", name="Finland")])
    project.save()  # a ClusterableModel keeps its many-to-many links until it is saved
    return project


def german(project, **fields):
    fields = {
        "name": "Netzwerk für gemeindenahe Pflege",
        "summary": "Regionen lernen gemeinsam, personenzentrierte Sozialdienste aufzubauen.",
        **fields,
    }
    ensure_record_translation(project, "de", **fields)
    return project.get_translation(Locale.objects.get(language_code="de"))


def snippet_translation(project, language):
    from wagtail_localize.models import Translation

    return Translation.objects.get(
        source__object_id=project.translation_key,
        target_locale__language_code=language,
    )


# -- the admin: wagtail-localize's snippet translation ------------------------------------


def test_translate_in_the_admin_machine_translate_and_sync(
    admin_client, project, django_capture_on_commit_callbacks
):
    italian_locale = Locale.objects.get(language_code="it")
    submit = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["portal", "cooperationproject", project.pk],
    )
    # The projects' listing offers "Translate" on each project.
    listing = reverse("wagtailsnippets_portal_cooperationproject:list")
    assert submit in admin_client.get(listing).content.decode()
    assert admin_client.get(submit).status_code == 200
    response = admin_client.post(submit, {"locales": [italian_locale.pk]})
    assert response.status_code == 302
    italian = project.get_translation(italian_locale)
    # It knows its original, shares acronym and slug, and has no partnership of its own.
    assert italian.original_id == project.pk
    assert (italian.acronym, italian.slug) == ("NEAR", "near")
    assert not italian.countries.exists()
    edit_url = reverse("wagtailsnippets_portal_cooperationproject:edit", args=[italian.pk])
    assert response["Location"] == edit_url

    # The segment editor replaces the snippet's form; translators get a PO file.
    editor = admin_client.get(edit_url)
    assert editor.status_code == 200
    assert "Community care network" in editor.content.decode()
    translation = snippet_translation(project, "it")
    po = admin_client.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))
    assert 'msgid "Community care network"' in po.content.decode()
    assert 'msgid "NEAR"' not in po.content.decode()  # the acronym is not translated

    response = admin_client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]) + f"?next={edit_url}"
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(edit_url, {"action": "publish"})
    assert response.status_code in (200, 302)
    italian.refresh_from_db()
    # DummyTranslator reverses the words of each string.
    assert italian.name == "network care Community"
    assert italian.summary.startswith("care. social person-centred")

    # The original changes; "Sync translated snippets" brings the new text to the segments
    # and the shared fields to the translation at once.
    project.summary = "Regions learn together."
    project.website = "https://near.example.eu/"
    project.save()
    update = reverse("wagtail_localize:update_translations", args=[translation.source_id])
    assert admin_client.get(update).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(update, {"publish_translations": "on"})
    assert response.status_code == 302
    italian.refresh_from_db()
    assert italian.website == "https://near.example.eu/"
    assert italian.name == "network care Community"  # translated before, kept
    po = admin_client.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))
    assert 'msgid "Regions learn together."' in po.content.decode()

    # Still one project in the admin's chooser, and no second coordinator group.
    assert RoleGroup.objects.filter(project=italian).count() == 0
    choose = reverse("wagtailsnippetchoosers_portal_cooperationproject:choose")
    for params, offered in (({}, [project.pk]), ({"locale": "it"}, [])):
        html = admin_client.get(choose, params).json()["html"]
        assert [int(pk) for pk in re.findall(r"chosen/(\d+)/", html)] == offered, params


def test_site_editors_translate_pages_and_projects_other_roles_do_not(
    client, project, practice_index
):
    from tests.factories_roles import make_author, make_site_editor, make_validator

    practice = make_practice(practice_index, title="Help at Home")
    italian = Locale.objects.get(language_code="it")
    submit_project = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["portal", "cooperationproject", project.pk],
    )
    submit_page = reverse("wagtail_localize:submit_page_translation", args=[practice.pk])
    client.force_login(make_site_editor(username="editor"))
    assert client.get(submit_page).status_code == 200
    assert client.post(submit_project, {"locales": [italian.pk]}).status_code == 302
    assert project.get_translation(italian).original_id == project.pk
    for user in (make_validator(username="validator"), make_author(practice.lead_organisation)):
        client.force_login(user)
        assert client.get(submit_page).status_code in (302, 403), user
        assert client.get(submit_project).status_code in (302, 403), user


def test_the_admin_lists_translations_per_locale(admin_client, project):
    german(project)
    listing = reverse("wagtailsnippets_portal_cooperationproject:list")
    html = admin_client.get(listing, {"locale": "de"}).content.decode()
    assert "Netzwerk für gemeindenahe Pflege" in html
    html = admin_client.get(listing, {"locale": "en"}).content.decode()
    assert "Netzwerk für gemeindenahe Pflege" not in html and "Community care network" in html


# -- a translation is not a second project ----------------------------------------------


def test_a_translation_is_not_a_second_project(client, project):
    german(project)
    ensure_record_translation(project, "fr", name="Réseau de soins de proximité")
    assert CooperationProject.objects.count() == 3
    assert list(CooperationProject.objects.originals()) == [project]

    for prefix in ("", "/de", "/fr"):
        html = client.get(f"{prefix}/projects/").content.decode()
        assert html.count('<li class="card">') == 1, prefix

    api = client.get("/api/v1/projects/").json()
    assert [item["id"] for item in api["results"]] == [project.pk]
    download = client.get("/search/download/", {"type": "project", "format": "csv"})
    assert download.status_code == 200
    rows = b"".join(download.streaming_content).decode("utf-8").splitlines()[1:]
    assert len(rows) == 1 and "NEAR" in rows[0]

    # The search lists the project once, and its facets count it once, in any language.
    for prefix in ("", "/de"):
        response = client.get(f"{prefix}/search/", {"q": "NEAR"})
        assert response.content.decode().count('class="search-hit ') == 1
        facets = {facet["key"]: facet for facet in response.context["facets"]}
        types = {value["value"]: value["count"] for value in facets["type"]["values"]}
        assert types["project"] == 1
        projects = {value["value"]: value["count"] for value in facets["project"]["values"]}
        assert projects == {"near": 1}

    sitemap = client.get("/sitemap-projects.xml").content.decode()
    assert sitemap.count("<loc>") == 1 and "/projects/near/</loc>" in sitemap


def test_the_projects_pages_show_the_visitors_translation(client, project):
    german(project)
    html = client.get("/de/projects/near/").content.decode()
    assert "Netzwerk für gemeindenahe Pflege" in html
    assert "personenzentrierte Sozialdienste" in html
    assert "Finland" in html  # the partnership is the original's
    assert 'class="language-marker"' not in html

    # No Italian version: the original, marked with its language.
    html = client.get("/it/projects/near/").content.decode()
    assert "Community care network" in html and 'class="language-marker"' in html
    assert '<span lang="en">Community care network</span>' in html

    html = client.get("/projects/near/").content.decode()
    assert "Community care network" in html and "Netzwerk" not in html

    listing = client.get("/de/projects/").content.decode()
    assert "Netzwerk für gemeindenahe Pflege" in listing
    assert "Community care network" not in listing


def test_practices_and_events_name_the_project_in_the_visitors_language(
    client, practice_index, project
):
    german(project)
    practice = make_practice(practice_index, title="Village caretakers", project=project)
    html = client.get(f"/de{practice.url}").content.decode()
    assert "Netzwerk für gemeindenahe Pflege" in html
    html = client.get(practice.url).content.decode()
    assert "Community care network" in html and "Netzwerk" not in html
    html = client.get(f"/it{practice.url}").content.decode()
    assert '<span lang="en">Community care network</span>' in html


def test_a_translated_practice_keeps_the_original_project(
    admin_client, client, practice_index, project, django_capture_on_commit_callbacks
):
    german(project)  # the project has a German version: the practice must still name NEAR
    practice = make_practice(practice_index, title="Village caretakers", project=project)
    german_locale = Locale.objects.get(language_code="de")
    response = admin_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[practice.pk]),
        {"locales": [german_locale.pk]},
    )
    assert response.status_code == 302
    translated = practice.get_translation(german_locale).specific
    assert translated.project_id == project.pk

    from wagtail_localize.models import Translation

    translation = Translation.objects.get(
        source__object_id=practice.translation_key, target_locale=german_locale
    )
    edit_url = reverse("wagtailadmin_pages:edit", args=[translated.pk])
    admin_client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]) + f"?next={edit_url}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(edit_url, {"action": "publish"})
    translated.refresh_from_db()
    assert translated.live and translated.title == "caretakers Village"
    assert translated.project_id == project.pk
    # Its page names the project in German all the same.
    html = client.get(translated.url).content.decode()
    assert "Netzwerk für gemeindenahe Pflege" in html


def test_a_human_page_translation_keeps_the_original_project(practice_index, project):
    german(project)
    practice = make_practice(practice_index, title="Village caretakers", project=project)
    ensure_translation(practice, "de", title="Dorfhausmeister")
    translated = practice.get_translation(Locale.objects.get(language_code="de")).specific
    assert translated.project_id == project.pk


def test_a_page_cannot_name_a_translation_as_its_project(practice_index, project):
    from django.core.exceptions import ValidationError

    translation = german(project)
    practice = make_practice(practice_index, title="Village caretakers", project=project)
    practice.full_clean()
    practice.project = translation
    with pytest.raises(ValidationError) as refused:
        practice.full_clean()
    assert "project" in refused.value.message_dict


# -- search ------------------------------------------------------------------------------


def test_a_project_is_found_through_any_of_its_versions(client, project):
    german(project)
    for prefix, query in (("", "gemeindenahe"), ("/de", "gemeindenahe"), ("", "Community")):
        html = client.get(f"{prefix}/search/", {"q": query}).content.decode()
        assert html.count('class="search-hit ') == 1, (prefix, query)
    # A German reader sees the German name and address; others the original, marked.
    html = client.get("/de/search/", {"q": "Community"}).content.decode()
    assert "Netzwerk für gemeindenahe Pflege" in html and 'href="/de/projects/near/"' in html
    html = client.get("/it/search/", {"q": "gemeindenahe"}).content.decode()
    assert "Community care network" in html and 'class="language-marker"' in html

    # Deleting the translation takes its words out of the original's document.
    project.get_translation(Locale.objects.get(language_code="de")).delete()
    html = client.get("/search/", {"q": "gemeindenahe"}).content.decode()
    assert 'class="search-hit ' not in html


# -- the demo content ---------------------------------------------------------------------


def test_demo_translations_are_idempotent(site_pages):
    from portal.demo import load_project_translations, load_reference_data

    load_reference_data()
    assert load_project_translations() == "Project translations: 3 created, 0 updated, 0 unchanged"
    assert load_project_translations() == "Project translations: 0 created, 0 updated, 3 unchanged"
    pact = CooperationProject.objects.originals().get(acronym="PACT")
    spanish = pact.get_translation(Locale.objects.get(language_code="es"))
    assert spanish.original_id == pact.pk and spanish.name.startswith("Modelo proactivo")
