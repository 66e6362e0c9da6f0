"""Contact people: only those who consented are shown publicly, and no public page carries an
email address in plain text."""

import datetime

import pytest
from django.urls import reverse

from practices.models import PracticeContact
from tests.factories import CountryFactory, OrganisationFactory, make_practice
from tests.factories_roles import make_author

CONSENTED = "maria.lopez@example.org"
NOT_CONSENTED = "hidden.person@example.org"


@pytest.fixture
def practice(practice_index):
    country = CountryFactory()
    page = make_practice(
        practice_index,
        title="Help at Home",
        country=country,
        lead_organisation=OrganisationFactory(country=country),
    )
    PracticeContact.objects.create(
        practice=page,
        name="María López",
        role="Coordinator",
        email=CONSENTED,
        phone="+34 900 000 000",
        public=True,
        consent_date=datetime.date(2025, 3, 1),
    )
    PracticeContact.objects.create(
        practice=page, name="Hidden Person", email=NOT_CONSENTED, public=False
    )
    return page


def contact_url(page, email):
    contact = page.contacts.get(email=email)
    return page.url + page.reverse_subpage("contact", args=(contact.pk,))


def test_public_page_shows_consenting_contacts_without_their_address(client, practice):
    html = client.get(practice.url).content.decode()
    assert "María López" in html
    assert "+34 900 000 000" in html
    assert "Hidden Person" not in html
    assert "@example.org" not in html
    assert "mailto:" not in html
    assert contact_url(practice, CONSENTED) in html


def test_address_is_revealed_only_on_request(client, practice):
    url = contact_url(practice, CONSENTED)
    page = client.get(url)
    assert page.status_code == 200
    assert CONSENTED not in page.content.decode()
    assert 'name="robots" content="noindex' in page.content.decode()
    revealed = client.post(url)
    assert revealed.status_code == 200
    assert f'href="mailto:{CONSENTED}"' in revealed.content.decode()


def test_contact_without_consent_is_not_reachable_publicly(client, practice):
    url = contact_url(practice, NOT_CONSENTED)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get(practice.url + "contact/999999/").status_code == 404


def test_editors_of_the_practice_see_contacts_without_consent(client, practice):
    client.force_login(make_author(practice.lead_organisation))
    html = client.get(practice.url).content.decode()
    assert "Hidden Person" in html
    assert "visible to editors only" in html
    assert NOT_CONSENTED not in html  # still no plain address on a public page
    assert NOT_CONSENTED in client.post(contact_url(practice, NOT_CONSENTED)).content.decode()


def test_author_of_another_organisation_does_not_see_them(client, practice):
    client.force_login(make_author(OrganisationFactory()))
    assert "Hidden Person" not in client.get(practice.url).content.decode()


def test_public_markdown_download_leaves_out_addresses_and_private_contacts(client, practice):
    url = practice.url + practice.reverse_subpage("markdown")
    text = client.get(url).content.decode()
    assert "María López" in text
    assert "consent_date: 2025-03-01" in text
    assert "@example.org" not in text
    assert "Hidden Person" not in text
    # An editor of the practice gets the complete record back.
    client.force_login(make_author(practice.lead_organisation))
    text = client.get(url).content.decode()
    assert CONSENTED in text and "Hidden Person" in text


def test_consent_fields_are_in_the_admin_form(client, practice):
    client.force_login(make_author(practice.lead_organisation))
    html = client.get(reverse("wagtailadmin_pages:edit", args=(practice.pk,))).content.decode()
    assert "may be shown publicly" in html.lower() or "May be shown publicly" in html
    assert "consent_date" in html


def test_preview_of_unsaved_contacts_renders_without_addresses(client, practice):
    from wagtail.test.utils.form_data import inline_formset

    from tests.factories_roles import practice_form_data

    client.force_login(make_author(practice.lead_organisation))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(practice.pk,))
    data = practice_form_data(
        title=practice.title,
        slug=practice.slug,
        country=practice.country_id,
        lead_organisation=practice.lead_organisation_id,
        contacts=inline_formset(
            [
                {
                    "name": "New Person",
                    "email": "new.person@example.org",
                    "public": "on",
                    "role": "",
                    "organisation": "",
                    "phone": "",
                    "consent_date": "2025-01-31",
                },
            ]
        ),
    )
    assert client.post(url, data).json()["is_valid"]
    html = client.get(url).content.decode()
    assert "New Person" in html
    assert "new.person@example.org" not in html


def test_a_public_contact_needs_a_consent_date_in_the_admin(client, practice):
    from wagtail.test.utils.form_data import inline_formset

    from tests.factories_roles import practice_form_data

    client.force_login(make_author(practice.lead_organisation))
    row = {
        "name": "New Person",
        "email": "",
        "public": "on",
        "role": "",
        "organisation": "",
        "phone": "",
        "consent_date": "",
    }
    data = practice_form_data(
        title=practice.title,
        slug=practice.slug,
        country=practice.country_id,
        lead_organisation=practice.lead_organisation_id,
        contacts=inline_formset([row]),
    )
    url = reverse("wagtailadmin_pages:edit", args=(practice.pk,))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give the date the person agreed" in response.content.decode()
    data = practice_form_data(
        title=practice.title,
        slug=practice.slug,
        country=practice.country_id,
        lead_organisation=practice.lead_organisation_id,
        contacts=inline_formset([{**row, "consent_date": "2025-06-01"}]),
    )
    assert client.post(url, data).status_code == 302


def test_editors_see_when_consent_was_given(client, practice):
    assert "Agreed to be shown" not in client.get(practice.url).content.decode()
    client.force_login(make_author(practice.lead_organisation))
    assert "Agreed to be shown on 1 March 2025" in client.get(practice.url).content.decode()
