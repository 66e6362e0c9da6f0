"""The regions a practice names must be in its country, checked on what the editor submits
(through the admin's create and edit views), not on what was saved before."""

import pytest
from django.urls import reverse

from practices.models import PracticePage
from tests.factories import CountryFactory, OrganisationFactory, RegionFactory, make_practice
from tests.factories_roles import practice_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    spain, italy = CountryFactory(code="ES", name="Spain"), CountryFactory(code="IT", name="Italy")
    return {
        "spain": spain,
        "murcia": RegionFactory(name="Murcia", country=spain),
        "tuscany": RegionFactory(name="Tuscany", country=italy),
        "organisation": OrganisationFactory(country=spain),
    }


def test_new_practice_with_a_region_of_another_country_is_refused(
    admin_client, practice_index, places
):
    url = reverse("wagtailadmin_pages:add", args=("practices", "practicepage", practice_index.pk))
    data = practice_form_data(
        country=places["spain"].pk,
        lead_organisation=places["organisation"].pk,
    )
    data["regions"] = [places["tuscany"].pk]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "not in the practice&#x27;s country: Tuscany" in response.content.decode()
    assert not PracticePage.objects.filter(slug="community-kitchens").exists()


def test_choosing_the_right_region_fixes_a_wrong_one_saved_before(
    admin_client, practice_index, places
):
    page = make_practice(
        practice_index,
        slug="community-kitchens",
        country=places["spain"],
        lead_organisation=places["organisation"],
    )
    # A wrong region saved before the check existed (or by a bulk import).
    PracticePage.regions.through.objects.create(practicepage=page, region=places["tuscany"])
    page.save_revision(clean=False)
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    data = practice_form_data(
        country=places["spain"].pk,
        lead_organisation=places["organisation"].pk,
    )
    data["regions"] = [places["murcia"].pk]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    latest = PracticePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert [r.name for r in latest.regions.all()] == ["Murcia"]
