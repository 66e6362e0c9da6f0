"""Authoring comfort in the admin, through the admin's own forms: ISO 4217 currencies (bad
codes refused, never rewritten), regions grouped by country, a searchable country chooser,
names in every language for target groups, and the practice's completeness box."""

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from portal.models import TargetGroup
from practices.models import PracticePage
from tests.factories import (
    CountryFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    make_practice,
)


def add_url(practice_index):
    return reverse("wagtailadmin_pages:add", args=["practices", "practicepage", practice_index.pk])


def practice_data(admin_client, practice_index, currency):
    country = CountryFactory(code="FI", name="Finland")
    data = querydict_from_html(
        admin_client.get(add_url(practice_index)).content.decode(), form_id="page-edit-form"
    )
    data.update(
        {
            "title": "Vamos",
            "slug": "vamos",
            "summary": "Low-threshold support for young people.",
            "country": country.pk,
            "lead_organisation": OrganisationFactory(country=country).pk,
            "status": "ongoing",
            "budgets-TOTAL_FORMS": "1",
            "budgets-0-amount": "2500000",
            "budgets-0-currency": currency,
            "budgets-0-period": "total",
            "budgets-0-ORDER": "1",
            "budgets-0-id": "",
        }
    )
    return data


@pytest.mark.parametrize("currency", ["XYZ", "EURO", "eur"])
def test_a_currency_outside_iso_4217_is_refused_with_a_clear_error(
    admin_client, practice_index, currency
):
    response = admin_client.post(
        add_url(practice_index), practice_data(admin_client, practice_index, currency)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert not PracticePage.objects.exists()
    # The Select refuses what is not among its options; the model's validator says why.
    assert (
        "is not an ISO 4217 currency code" in html  # XYZ, eur
        or "Ensure this value has at most 3 characters (it has 4)" in html  # EURO
    )
    assert "Vamos" in html  # what was typed is kept


def test_currency_list_is_iso_4217_and_a_valid_code_is_kept_as_chosen(admin_client, practice_index):
    html = admin_client.get(add_url(practice_index)).content.decode()
    options = re.findall(r'<option value="([A-Z]{3})"', html)
    assert len(options) > 150 and {"EUR", "BGN", "RON", "CZK", "DKK"} <= set(options)
    assert "XYZ" not in options
    assert "EUR – Euro" in html
    response = admin_client.post(
        add_url(practice_index), practice_data(admin_client, practice_index, "BGN")
    )
    assert response.status_code == 302
    assert PracticePage.objects.get().budgets.get().currency == "BGN"


def test_model_validator_names_the_bad_code():
    from django.core.exceptions import ValidationError

    from practices.models import PracticeBudget

    budget = PracticeBudget(amount=1, currency="XYZ", period="total")
    with pytest.raises(ValidationError) as error:
        budget.full_clean(exclude=["practice"])
    assert "“XYZ” is not an ISO 4217 currency code" in str(error.value)


def test_regions_are_grouped_by_country_and_checked_against_it(admin_client, practice_index):
    finland = CountryFactory(code="FI", name="Finland")
    sweden = CountryFactory(code="SE", name="Sweden")
    uusimaa = RegionFactory(country=finland, name="Uusimaa")
    skane = RegionFactory(country=sweden, name="Skåne", name_en="Scania")
    html = admin_client.get(add_url(practice_index)).content.decode()
    chooser = html[html.index('<div class="region-chooser" data-region-chooser') :]
    chooser = chooser[: chooser.index("</div>")]
    assert f'data-country="{finland.pk}"' in chooser and f'data-country="{sweden.pk}"' in chooser
    assert "<legend>Finland</legend>" in chooser and "<legend>Sweden</legend>" in chooser
    assert (
        chooser.index("Uusimaa") < chooser.index("<legend>Sweden</legend>") < chooser.index("Skåne")
    )
    assert "(Scania)" in chooser
    assert re.search(r'<label for="id_regions-filter">', chooser)
    assert "region-chooser.js" in html

    data = practice_data(admin_client, practice_index, "EUR")
    data["country"] = finland.pk
    data.setlist("regions", [str(uusimaa.pk), str(skane.pk)])
    response = admin_client.post(add_url(practice_index), data)
    assert response.status_code == 200
    assert (
        "These regions are not in the practice&#x27;s country: Skåne" in (response.content.decode())
        or "These regions are not in the practice's country: Skåne" in response.content.decode()
    )
    data.setlist("regions", [str(uusimaa.pk)])
    assert admin_client.post(add_url(practice_index), data).status_code == 302
    assert list(PracticePage.objects.get().regions.all()) == [uusimaa]


def test_country_chooser_searches(admin_client):
    CountryFactory(code="FI", name="Finland")
    CountryFactory(code="SE", name="Sweden")
    url = reverse("wagtailsnippetchoosers_portal_country:choose_results")
    html = admin_client.get(url, {"q": "Finl"}).content.decode()
    assert "Finland" in html and "Sweden" not in html


def test_target_group_names_in_every_language_are_edited_in_the_admin(admin_client):
    group = TargetGroupFactory(name="Older people", slug="older-people")
    url = reverse("wagtailsnippets_portal_targetgroup:edit", args=[group.pk])
    html = admin_client.get(url).content.decode()
    for code, language in [("de", "German"), ("it", "Italian"), ("bg", "Bulgarian")]:
        assert re.search(rf'<label for="id_labels_\d+">{language} \({code}\)</label>', html)
    response = admin_client.post(
        url,
        {"name": "Older people", "slug": "older-people", "labels_9": "Ältere Menschen",
         "labels_1": "Persone anziane", "description": ""},
    )  # fmt: skip
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.labels == {"de": "Ältere Menschen", "it": "Persone anziane"}
    assert TargetGroup.objects.get().label_in("de") == "Ältere Menschen"
    assert TargetGroup.objects.get().label_in("fi") == "Older people"


def test_completeness_box_lists_the_sections_a_validator_expects(admin_client, practice_index):
    page = make_practice(practice_index, context="Why it was needed.", evidence="")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    box = html[html.index("data-practice-completeness") :]
    box = box[: box.index("</section>")]
    status = box[box.index("data-completeness-status") : box.index("</div>")]
    assert "Evidence of success" in status and "Outcome figures" in status
    assert "Context / problem addressed" not in status
    assert "practice-completeness-sections" in box and "completeness.js" in html


def test_every_structured_practice_field_has_help_text():
    from practices.models import PracticeBudget, PracticeOutcome

    structured = [
        "summary", "country", "regions", "lead_organisation", "partner_organisations",
        "project", "funding_programme", "themes", "target_groups", "context", "practice",
        "resources", "evidence", "difficulties", "transferability", "start_year", "end_year",
        "status",
    ]  # fmt: skip
    for name in structured:
        assert PracticePage._meta.get_field(name).help_text, name
    for model in (PracticeBudget, PracticeOutcome):
        for field in model._meta.concrete_fields:
            if field.editable and field.name not in ("id", "sort_order", "practice"):
                assert field.help_text, f"{model.__name__}.{field.name}"
