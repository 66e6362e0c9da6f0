"""The admin works for an editor: practices are created, edited and published; every
reference-data snippet is listed, searched, filtered, created and edited."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from portal.models import CooperationProject, Country, Organisation, Region, TargetGroup, Theme
from practices.models import PracticePage
from tests.factories import (
    CountryFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    make_practice,
)


def form_data(client, url, form_id="page-edit-form"):
    response = client.get(url)
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id=form_id)


def test_editor_creates_edits_and_publishes_a_practice(admin_client, practice_index):
    country = CountryFactory(code="FI", name="Finland")
    region = RegionFactory(country=country, name="Uusimaa")
    org = OrganisationFactory(name="Helsinki Deaconess Institute", country=country)
    group = TargetGroupFactory(name="Young people")
    add_url = reverse(
        "wagtailadmin_pages:add", args=["practices", "practicepage", practice_index.pk]
    )
    data = form_data(admin_client, add_url)
    data.update(
        {
            "title": "Vamos",
            "slug": "vamos",
            "summary": "Low-threshold support for young people.",
            "country": country.pk,
            "lead_organisation": org.pk,
            "status": "ongoing",
            "start_year": "2012",
            "themes": "youth, outreach",
            "context": "Young people *at risk*.",
        }
    )
    data.setlist("regions", [str(region.pk)])
    data.setlist("target_groups", [str(group.pk)])
    data.update(
        {
            "budgets-TOTAL_FORMS": "1",
            "budgets-0-amount": "2500000",
            "budgets-0-currency": "EUR",
            "budgets-0-period": "year",
            "budgets-0-year": "2014",
            "budgets-0-ORDER": "1",
            "budgets-0-id": "",
            "outcomes-TOTAL_FORMS": "1",
            "outcomes-0-label": "Young people reached",
            "outcomes-0-value": "1400",
            "outcomes-0-unit": "youths",
            "outcomes-0-ORDER": "1",
            "outcomes-0-id": "",
        }
    )
    response = admin_client.post(add_url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = PracticePage.objects.get(slug="vamos")
    assert not page.live
    assert page.budget_eur == 2500000 and page.budgets.get().currency == "EUR"
    assert list(page.regions.all()) == [region]
    assert sorted(t.name for t in page.themes.all()) == ["outreach", "youth"]

    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = form_data(admin_client, edit_url)
    data["title"] = "Vamos Youth Programme"
    data["action-publish"] = "action-publish"
    assert admin_client.post(edit_url, data).status_code == 302
    page.refresh_from_db()
    assert page.live and page.title == "Vamos Youth Programme"
    assert admin_client.get(page.url).status_code == 200


def test_invalid_practice_keeps_what_was_typed(admin_client, practice_index):
    country = CountryFactory(code="FI", name="Finland")
    other = CountryFactory(code="SE", name="Sweden")
    region = RegionFactory(country=other, name="Skåne")
    add_url = reverse(
        "wagtailadmin_pages:add", args=["practices", "practicepage", practice_index.pk]
    )
    data = form_data(admin_client, add_url)
    data.update(
        {
            "title": "Half-typed practice",
            "slug": "half",
            "summary": "Something typed.",
            "country": country.pk,
            "lead_organisation": OrganisationFactory(country=country).pk,
            "start_year": "2015",
            "end_year": "2010",
            "context": "Long context kept.",
        }
    )
    data.setlist("regions", [str(region.pk)])
    response = admin_client.post(add_url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end year must not be before the start year." in html
    assert "Half-typed practice" in html and "Long context kept." in html
    assert not PracticePage.objects.exists()


SNIPPETS = [
    (Country, {"code": "pt", "name": "Portugal"}, "name", "Portugal (edited)"),
    (TargetGroup, {"name": "Carers", "slug": "carers"}, "name", "Family carers"),
    (Theme, {"name": "housing", "slug": "housing"}, "name", "social housing"),
]


@pytest.mark.parametrize("model, fields, edit_field, edit_value", SNIPPETS)
def test_simple_snippets_create_and_edit(admin_client, model, fields, edit_field, edit_value):
    opts = model._meta
    add_url = reverse(f"wagtailsnippets_{opts.app_label}_{opts.model_name}:add")
    response = admin_client.post(add_url, fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    obj = model.objects.get(
        **{edit_field: fields[edit_field] if model is not Country else "Portugal"}
    )
    edit_url = reverse(f"wagtailsnippets_{opts.app_label}_{opts.model_name}:edit", args=[obj.pk])
    assert admin_client.post(edit_url, {**fields, edit_field: edit_value}).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, edit_field) == edit_value


def test_region_organisation_and_project_snippets(admin_client):
    spain = CountryFactory(code="ES", name="Spain")
    prefix = "wagtailsnippets_portal_"
    assert (
        admin_client.post(
            reverse(prefix + "region:add"),
            {
                "name": "Castilla y León",
                "slug": "castilla-y-leon",
                "nuts_code": "ES41",
                "country": spain.pk,
            },
        ).status_code
        == 302
    )
    region = Region.objects.get(slug="castilla-y-leon")
    assert (
        admin_client.post(
            reverse(prefix + "organisation:add"),
            {
                "name": "Junta de Castilla y León",
                "organisation_type": "public-authority",
                "country": spain.pk,
                "region": region.pk,
                "website": "https://example.org",
            },
        ).status_code
        == 302
    )
    org = Organisation.objects.get(name="Junta de Castilla y León")
    response = admin_client.post(
        reverse(prefix + "cooperationproject:add"),
        {
            "acronym": "PACT",
            "slug": "pact",
            "name": "ProActive Case-based Targeted model",
            "programme": "easi",
            "countries": [spain.pk],
            "partners": [org.pk],
            "start_date": "2018-01-01",
            "end_date": "2017-01-01",
        },
    )
    assert response.status_code == 200  # end before start is refused, typed values kept
    assert "The end date must not be before the start date." in response.content.decode()
    assert "ProActive Case-based Targeted model" in response.content.decode()
    assert (
        admin_client.post(
            reverse(prefix + "cooperationproject:add"),
            {
                "acronym": "PACT",
                "slug": "pact",
                "name": "ProActive Case-based Targeted model",
                "programme": "easi",
                "countries": [spain.pk],
                "partners": [org.pk],
            },
        ).status_code
        == 302
    )
    assert list(CooperationProject.objects.get().partners.all()) == [org]


@pytest.mark.parametrize(
    "model_name, query",
    [
        ("country", {"q": "spa"}),
        ("region", {"q": "leon", "country": "1"}),
        ("organisation", {"q": "junta", "organisation_type": "public-authority"}),
        ("cooperationproject", {"q": "pact", "programme": "easi"}),
        ("targetgroup", {"q": "old"}),
        ("theme", {"q": "hous"}),
    ],
)
def test_snippet_listings_search_and_filter(admin_client, model_name, query):
    spain = CountryFactory(code="ES", name="Spain")
    RegionFactory(country=spain, name="Castilla y León")
    OrganisationFactory(name="Junta", country=spain)
    url = reverse(f"wagtailsnippets_portal_{model_name}:list")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, query).status_code == 200


def test_practice_listing_in_admin(admin_client, practice_index):
    make_practice(practice_index, title="Listed practice")
    response = admin_client.get(reverse("wagtailadmin_explore", args=[practice_index.pk]))
    assert response.status_code == 200
    assert "Listed practice" in response.content.decode()
