"""The worksheet in Wagtail's admin: edit view, buttons to the results, invitations listing,
page-type rules, and validation of questions."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from learning_events.models import PeerReviewWorkshopPage, StudyVisitPage
from peer_reviews.models import PeerReviewWorksheetPage
from tests.factories_reviews import make_invitation, make_worksheet

pytestmark = pytest.mark.django_db


def test_worksheets_live_under_peer_review_workshops():
    assert PeerReviewWorksheetPage in PeerReviewWorkshopPage.allowed_subpage_models()
    assert PeerReviewWorksheetPage.allowed_parent_page_models() == [PeerReviewWorkshopPage]
    assert PeerReviewWorksheetPage not in StudyVisitPage.allowed_subpage_models()
    assert PeerReviewWorksheetPage.allowed_subpage_models() == []


def test_edit_view_links_to_results(admin_client, site_pages):
    worksheet = make_worksheet()
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[worksheet.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert worksheet.url + "results/" in html
    assert worksheet.url + "participants/" in html


def test_invitations_listing(admin_client, site_pages):
    worksheet = make_worksheet()
    make_invitation(worksheet, name="Aino Virtanen")
    response = admin_client.get(reverse("wagtailsnippets_peer_reviews_invitation:list"))
    assert response.status_code == 200
    assert "Aino Virtanen" in response.content.decode()


def test_choice_question_needs_options(admin_client, site_pages):
    workshop = make_worksheet().get_parent()
    url = reverse(
        "wagtailadmin_pages:add", args=("peer_reviews", "peerreviewworksheetpage", workshop.pk)
    )
    row = {
        "field_type": "single_choice",
        "label": "Pick one",
        "help_text": "",
        "required": "on",
        "choices": "",
        "scale_low_label": "",
        "scale_high_label": "",
    }
    data = nested_form_data(
        {
            "title": "Bad worksheet",
            "slug": "bad",
            "deadline": "2099-01-01 10:00",
            "questions": inline_formset([row]),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Give the options, one per line." in response.content.decode()
    assert not PeerReviewWorksheetPage.objects.filter(slug="bad").exists()


def test_event_page_lists_its_worksheets(client, site_pages):
    from tests.factories_reviews import make_user

    organiser = make_user(username="organiser")
    worksheet = make_worksheet(title="Worksheet for the peers", organisers=[organiser])
    event_url = worksheet.get_parent().url
    html = client.get(event_url).content.decode()
    assert "Worksheet for the peers" in html
    assert worksheet.url + "results/" not in html
    client.force_login(organiser)
    html = client.get(event_url).content.decode()
    assert worksheet.url + "results/" in html
