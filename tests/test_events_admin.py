"""Editors create and edit learning events in the Wagtail admin, with validation."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from learning_events.models import (
    LearningEventPage,
    MasterclassPage,
    PeerReviewWorkshopPage,
    StaffExchangePage,
    StudyVisitPage,
)
from tests.factories import CooperationProjectFactory, CountryFactory, make_practice
from tests.factories_events import (
    make_event_index,
    make_masterclass,
    make_staff_exchange,
    make_study_visit,
    make_workshop,
)
from tests.factories_roles import make_coordinator, make_site_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home):
    return make_event_index(home)


def _add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add",
        args=(model._meta.app_label, model._meta.model_name, parent.pk),
    )


def study_visit_post(country, *, practices=(), agenda=(), **overrides):
    data = {
        "title": "Visit to Brno",
        "slug": "visit-to-brno",
        "summary": "Partners visit a day centre.",
        "status": "planned",
        "start_date": "2027-03-01",
        "end_date": "2027-03-02",
        "time_zone": "Europe/Prague",
        "event_format": "on-site",
        "venue_city": "Brno",
        "venue_country": country.pk,
        "agenda_sessions": inline_formset(list(agenda)),
        "output_documents": inline_formset([]),
        "photos": inline_formset([]),
        "visited_practices": inline_formset([{"practice": p.pk, "note": ""} for p in practices]),
        "sites": inline_formset([]),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_editor_creates_a_study_visit(admin_client, index):
    practice = make_practice()
    country = CountryFactory()
    response = admin_client.post(
        _add_url(StudyVisitPage, index),
        study_visit_post(
            country,
            practices=[practice],
            agenda=[{"date": "2027-03-01", "start_time": "09:00", "end_time": "10:30",
                     "title": "Welcome", "practice": practice.pk}],
            **{"action-publish": "publish"},
        ),
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    page = StudyVisitPage.objects.get(slug="visit-to-brno")
    assert page.live
    assert page.visited_practices.get().practice_id == practice.pk
    assert page.agenda_sessions.get().title == "Welcome"
    assert page.starts_at.isoformat() == "2027-02-28T23:00:00+00:00"


def test_end_before_start_is_refused_in_the_editor(admin_client, index):
    response = admin_client.post(
        _add_url(StudyVisitPage, index),
        study_visit_post(CountryFactory(), end_date="2027-02-01"),
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert not StudyVisitPage.objects.exists()


def test_unpublished_practice_is_refused_in_the_editor(admin_client, index):
    draft = make_practice(publish=False, title="Unpublished practice")
    response = admin_client.post(
        _add_url(StudyVisitPage, index), study_visit_post(CountryFactory(), practices=[draft])
    )
    assert response.status_code == 200
    formset = response.context["form"].formsets["visited_practices"]
    assert "not published" in str(formset.forms[0].errors["practice"])
    assert not StudyVisitPage.objects.exists()


def test_agenda_day_outside_the_dates_is_refused(admin_client, index):
    response = admin_client.post(
        _add_url(StudyVisitPage, index),
        study_visit_post(CountryFactory(), agenda=[{"date": "2027-04-01", "title": "Late"}]),
    )
    assert response.status_code == 200
    formset = response.context["form"].formsets["agenda_sessions"]
    assert "within the event" in str(formset.forms[0].errors["date"])
    assert not StudyVisitPage.objects.exists()


def test_every_kind_opens_in_the_editor_and_add_form(admin_client, index):
    events = [make_study_visit(index), make_masterclass(index), make_workshop(index),
              make_staff_exchange(index)]  # fmt: skip
    for event in events:
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=(event.pk,)))
        assert response.status_code == 200
    for model in (StudyVisitPage, MasterclassPage, PeerReviewWorkshopPage, StaffExchangePage):
        assert admin_client.get(_add_url(model, index)).status_code == 200
    # A workshop accepts child pages (the peer-review worksheets).
    add_child = reverse("wagtailadmin_pages:add_subpage", args=(events[2].pk,))
    response = admin_client.get(add_child)
    # One allowed type redirects straight to its add form; several list the choices.
    assert response.status_code == 200 or "/admin/pages/add/" in response.url


def test_admin_listing_of_all_events(admin_client, index):
    make_study_visit(index, title="Listed visit")
    make_workshop(index, title="Listed workshop", status="cancelled")
    response = admin_client.get(reverse("learning_events:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Listed visit" in content and "Listed workshop" in content
    assert "choose_parent" not in content  # no "Add" for the non-creatable shared type
    response = admin_client.get(reverse("learning_events:index"), {"status": "cancelled"})
    content = response.content.decode()
    assert "Listed workshop" in content and "Listed visit" not in content
    assert LearningEventPage.objects.count() == 2


def test_admin_listing_shows_coordinators_no_drafts_of_other_projects(client, index):
    ours, theirs = CooperationProjectFactory(), CooperationProjectFactory()
    make_study_visit(index, title="Our draft visit", project=ours, publish=False)
    make_study_visit(index, title="Their draft visit", project=theirs, publish=False)
    make_study_visit(index, title="Their published visit", project=theirs)
    coordinator = make_coordinator(ours)
    client.force_login(coordinator)
    content = client.get(reverse("learning_events:index")).content.decode()
    assert "Our draft visit" in content
    assert "Their published visit" in content
    assert "Their draft visit" not in content
    # A draft the coordinator created (owns) under no project of theirs stays listed.
    make_study_visit(index, title="Own projectless draft", publish=False, owner=coordinator)
    assert "Own projectless draft" in client.get(reverse("learning_events:index")).content.decode()
    # Site editors (change on the whole tree) still see every draft.
    client.force_login(make_site_editor())
    content = client.get(reverse("learning_events:index")).content.decode()
    assert "Their draft visit" in content and "Our draft visit" in content


def test_preview_of_a_new_study_visit_renders(admin_client, index):
    practice = make_practice(title="Previewed practice")
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("learning_events", "studyvisitpage", index.pk),
    )
    data = study_visit_post(
        CountryFactory(),
        practices=[practice],
        agenda=[{"date": "2027-03-01", "title": "Preview session", "practice": practice.pk}],
    )
    response = admin_client.post(url, data)
    assert response.json()["is_valid"] is True
    response = admin_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview session" in content and "Previewed practice" in content
