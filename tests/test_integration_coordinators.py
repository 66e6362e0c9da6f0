"""Project coordinators and the events and worksheets of their cooperation project (issue 6,
across apps): they read the answers of their project's worksheets (not of another project's,
not of an event without a project), add events only for their projects, add worksheets only
under their own events, and cannot delete, move or copy beyond that."""

import pytest
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from learning_events.models import LearningEventPage, StudyVisitPage
from peer_reviews.permissions import can_manage, can_read_answers
from portal.roles import setup_roles
from tests.factories import CooperationProjectFactory, CountryFactory, OrganisationFactory
from tests.factories_events import make_event_index, make_study_visit, make_workshop
from tests.factories_reviews import answer, make_invitation, make_worksheet
from tests.factories_roles import make_author, make_coordinator, make_validator

pytestmark = pytest.mark.django_db

READ_ROUTES = ["results/", "results/csv/", "results/xlsx/", "report/", "report/pdf/"]
MANAGE_ROUTES = ["participants/", "report/edit/"]
SECRET = "What only the readers of this worksheet may see."


@pytest.fixture
def world(home):
    index = make_event_index(home)
    partner = OrganisationFactory()
    project = CooperationProjectFactory(acronym="NEAR")
    project.partners.set([partner])
    project.save()
    other_project = CooperationProjectFactory(acronym="PACT")

    def worksheet_of(event_project):
        workshop = make_workshop(index, project=event_project)
        worksheet = make_worksheet(workshop)
        answer(
            worksheet,
            make_invitation(worksheet, name="Peer"),
            {"Strengths observed": SECRET},
        )
        return worksheet

    return {
        "index": index,
        "project": project,
        "other_project": other_project,
        "partner": partner,
        "worksheet": worksheet_of(project),
        "other_worksheet": worksheet_of(other_project),
        "orphan_worksheet": worksheet_of(None),
        "coordinator": make_coordinator(project, username="coordinator"),
        "other_coordinator": make_coordinator(other_project, username="other-coordinator"),
    }


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


# -- reading answers (peer_reviews.permissions.can_read_answers) ---------------------------


@pytest.mark.parametrize("route", READ_ROUTES)
def test_coordinator_of_the_events_project_reads_the_answers(client, world, route):
    response = _get(client, world["coordinator"], world["worksheet"].url + route)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    if route in ("results/", "results/csv/"):
        assert SECRET in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("route", MANAGE_ROUTES)
def test_coordinator_reads_but_does_not_organise(client, world, route):
    """Inviting and writing the report stay with the worksheet's organisers."""
    response = _get(client, world["coordinator"], world["worksheet"].url + route)
    assert response.status_code == 403
    assert can_read_answers(world["coordinator"], world["worksheet"])
    assert not can_manage(world["coordinator"], world["worksheet"])


@pytest.mark.parametrize("route", READ_ROUTES + MANAGE_ROUTES)
@pytest.mark.parametrize("sheet", ["other_worksheet", "orphan_worksheet"])
def test_coordinator_may_not_read_other_projects_answers(client, world, sheet, route):
    response = _get(client, world["coordinator"], world[sheet].url + route)
    assert response.status_code == 403
    assert SECRET.encode() not in response.content


@pytest.mark.parametrize("who", ["partner_author", "validator"])
@pytest.mark.parametrize("route", READ_ROUTES)
def test_partner_authors_and_validators_may_not_read_answers(client, world, who, route):
    user = make_author(world["partner"]) if who == "partner_author" else make_validator()
    response = _get(client, user, world["worksheet"].url + route)
    assert response.status_code == 403
    assert SECRET.encode() not in response.content


def test_a_coordinator_who_leaves_the_group_loses_access(client, world):
    coordinator = world["coordinator"]
    coordinator.groups.clear()
    response = _get(client, coordinator, world["worksheet"].url + "results/")
    assert response.status_code == 403


def test_event_page_links_the_coordinator_to_the_results(client, world):
    workshop = world["worksheet"].get_parent()
    results = world["worksheet"].url + "results/"
    assert results in _get(client, world["coordinator"], workshop.url).content.decode()
    assert results not in _get(client, world["other_coordinator"], workshop.url).content.decode()


def test_worksheet_edit_view_shows_the_results_button(client, world):
    edit = reverse("wagtailadmin_pages:edit", args=(world["worksheet"].pk,))
    response = _get(client, world["coordinator"], edit)
    assert response.status_code == 200
    assert world["worksheet"].url + "results/" in response.content.decode()
    other = reverse("wagtailadmin_pages:edit", args=(world["other_worksheet"].pk,))
    assert client.get(other).status_code in (302, 403)


# -- events in the admin ---------------------------------------------------------------------


def _add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk)
    )


def study_visit_post(project, **overrides):
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
        "venue_country": CountryFactory().pk,
        "project": project.pk if project else "",
        "agenda_sessions": inline_formset([]),
        "output_documents": inline_formset([]),
        "photos": inline_formset([]),
        "visited_practices": inline_formset([]),
        "sites": inline_formset([]),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_coordinator_adds_and_publishes_an_event_of_their_project(client, world):
    url = _add_url(StudyVisitPage, world["index"])
    response = _get(client, world["coordinator"], url)
    assert response.status_code == 200
    project_field = response.context["form"].fields["project"]
    assert list(project_field.queryset) == [world["project"]]

    response = client.post(url, study_visit_post(world["project"]))
    assert response.status_code == 302, response.context["form"].errors
    page = StudyVisitPage.objects.get(slug="visit-to-brno")
    assert page.project == world["project"] and not page.live
    # Created as a draft, then published from the editor.
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = client.post(
        edit, study_visit_post(world["project"], **{"action-publish": "Publish"})
    )
    assert response.status_code == 302
    assert StudyVisitPage.objects.get(pk=page.pk).live


@pytest.mark.parametrize("project", ["other_project", None])
def test_coordinator_may_not_add_an_event_of_another_or_no_project(client, world, project):
    project = world[project] if project else None
    client.force_login(world["coordinator"])
    response = client.post(_add_url(StudyVisitPage, world["index"]), study_visit_post(project))
    assert response.status_code == 200
    assert "project" in response.context["form"].errors
    assert not StudyVisitPage.objects.filter(slug="visit-to-brno").exists()


def test_site_editors_keep_every_project_and_none(admin_client, world):
    response = admin_client.get(_add_url(StudyVisitPage, world["index"]))
    field = response.context["form"].fields["project"]
    assert set(field.queryset) >= {world["project"], world["other_project"]}
    assert not field.required


def test_worksheets_are_added_only_under_the_coordinators_events(client, world):
    own = world["worksheet"].get_parent()
    other = world["other_worksheet"].get_parent()
    worksheet_model = type(world["worksheet"])
    assert _get(client, world["coordinator"], _add_url(worksheet_model, own)).status_code == 200
    response = client.get(_add_url(worksheet_model, other))
    assert response.status_code in (302, 403)


def test_coordinator_does_not_delete_a_workshop_with_worksheets(client, world):
    workshop = world["worksheet"].get_parent()
    client.force_login(world["coordinator"])
    client.post(reverse("wagtailadmin_pages:delete", args=(workshop.pk,)))
    assert LearningEventPage.objects.filter(pk=workshop.pk).exists()


def test_coordinator_neither_moves_nor_copies_events(client, world):
    event = make_study_visit(world["index"], project=world["project"])
    perms = event.permissions_for_user(world["coordinator"])
    assert perms.can_edit() and perms.can_publish() and perms.can_delete()
    assert not perms.can_move() and not perms.can_copy()
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=(event.pk,)),
        {"new_title": "Copy", "new_slug": "copy", "new_parent_page": world["index"].pk},
    )
    assert response.status_code in (302, 403)
    assert not StudyVisitPage.objects.filter(slug="copy").exists()


def test_setup_roles_grants_add_on_the_events_index_once(world):
    lines = setup_roles()
    assert any(line.startswith("Events:") for line in lines)
    count = GroupPagePermission.objects.filter(page=world["index"]).count()
    setup_roles()
    assert GroupPagePermission.objects.filter(page=world["index"]).count() == count
    groups = set(
        GroupPagePermission.objects.filter(page=world["index"]).values_list(
            "group__name", flat=True
        )
    )
    assert {"Project coordinators: NEAR", "Project coordinators: PACT"} <= groups
    assert not any(name.startswith(("Partner authors", "Validators")) for name in groups)


def test_coordinator_unpublishes_their_event_not_another(client, world):
    own = make_study_visit(world["index"], project=world["project"])
    other = make_study_visit(world["index"], project=world["other_project"])
    client.force_login(world["coordinator"])
    client.post(reverse("wagtailadmin_pages:unpublish", args=(own.pk,)))
    client.post(reverse("wagtailadmin_pages:unpublish", args=(other.pk,)))
    assert not StudyVisitPage.objects.get(pk=own.pk).live
    assert StudyVisitPage.objects.get(pk=other.pk).live


def test_coordinator_finds_the_events_in_the_admin(client, world):
    client.force_login(world["coordinator"])
    explore = client.get(reverse("wagtailadmin_explore", args=(world["index"].pk,)))
    assert explore.status_code == 200
    own_workshop = world["worksheet"].get_parent()
    edit_url = reverse("wagtailadmin_pages:edit", args=(own_workshop.pk,))
    assert edit_url in explore.content.decode()
    other_edit = reverse(
        "wagtailadmin_pages:edit", args=(world["other_worksheet"].get_parent().pk,)
    )
    assert other_edit not in explore.content.decode()
    assert client.get(reverse("learning_events:index")).status_code == 200
    editor = client.get(edit_url)
    assert editor.status_code == 200
    assert list(editor.context["form"].fields["project"].queryset) == [world["project"]]
