"""Setting up the roles (management command, demo accounts) and the rules that sit around the
permission matrix: what a partner author may pick, where they may add, when a validator may
open the editor, and the authors' dashboard panel."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from portal.models import Role, RoleGroup
from practices.models import PracticePage
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    OrganisationFactory,
    make_practice,
)
from tests.factories_roles import make_author, make_validator, practice_form_data


def run(command):
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        sorted(Group.objects.values_list("name", flat=True)),
        GroupPagePermission.objects.count(),
        sorted(RoleGroup.objects.values_list("role", "organisation_id", "project_id")),
        Workflow.objects.count(),
    )


def test_setup_roles_is_idempotent_and_covers_new_organisations(practice_index):
    organisations = OrganisationFactory.create_batch(2)
    project = CooperationProjectFactory()
    output = run("setup_roles")
    assert "2 partner author groups, 1 project coordinator groups" in output
    first = snapshot()
    assert run("setup_roles") and snapshot() == first
    for organisation in organisations:
        group = RoleGroup.objects.get(role=Role.PARTNER_AUTHOR, organisation=organisation).group
        assert organisation.name in group.name
        assert group.page_permissions.get().page_id == practice_index.pk
    assert RoleGroup.objects.filter(role=Role.PROJECT_COORDINATOR, project=project).exists()
    workflow = WorkflowPage.objects.get(page=practice_index).workflow
    assert workflow.name == "Practice validation"
    [task] = workflow.tasks
    assert list(task.specific.groups.values_list("name", flat=True)) == ["Validators"]

    OrganisationFactory(name="A new partner")
    run("setup_roles")
    assert Group.objects.filter(name__contains="A new partner").count() == 1


def test_setup_roles_without_a_practice_index_says_so(db):
    OrganisationFactory()
    output = run("setup_roles")
    assert "no practice index page yet" in output
    assert not Workflow.objects.filter(name="Practice validation").exists()


def test_demo_content_includes_the_role_accounts(db):
    output = run("load_demo_content")
    assert "Roles:" in output
    assert "workflow 'Practice validation' assigned" in output
    output = run("create_demo_users")
    for username in ("partner-author", "validator", "coordinator"):
        assert username in output
    assert "changeme-" not in output  # passwords only printed with DEBUG on
    author = RoleGroup.objects.get(group__user__username="partner-author")
    assert author.organisation.name == "Social Services of Castilla y León"
    assert RoleGroup.objects.get(group__user__username="coordinator").project.acronym == "NEAR"
    assert RoleGroup.objects.get(group__user__username="validator").role == Role.VALIDATOR
    # Running again creates nothing and keeps the accounts.
    assert "partner-author" not in run("create_demo_users")


@pytest.fixture
def author_world(practice_index):
    country = CountryFactory()
    own = OrganisationFactory(country=country)
    other = OrganisationFactory(country=country)
    return practice_index, country, own, other, make_author(own)


def test_author_may_only_name_their_own_organisation(client, author_world):
    index, country, own, other, author = author_world
    client.force_login(author)
    url = reverse("wagtailadmin_pages:add", args=("practices", "practicepage", index.pk))
    form = client.get(url).content.decode()
    lead_select = form.split('name="lead_organisation"', 1)[1].split("</select>", 1)[0]
    assert own.name in lead_select and other.name not in lead_select
    response = client.post(url, practice_form_data(country=country.pk, lead_organisation=other.pk))
    assert response.status_code == 200
    assert "lead_organisation" in response.context["form"].errors
    assert not PracticePage.objects.exists()


def test_author_cannot_move_a_practice_to_another_organisation(client, author_world):
    index, country, own, other, author = author_world
    page = make_practice(index, country=country, lead_organisation=own, publish=False)
    client.force_login(author)
    client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        practice_form_data(
            title="Moved", slug=page.slug, country=country.pk, lead_organisation=other.pk
        ),
    )
    page.refresh_from_db()
    assert page.lead_organisation == own
    assert page.get_latest_revision().content["title"] != "Moved"


def test_author_cannot_add_pages_outside_the_practice_index(client, author_world, home):
    *_rest, author = author_world
    client.force_login(author)
    url = reverse("wagtailadmin_pages:add", args=("portal", "standardpage", home.pk))
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert "portal/standard_page" not in str(getattr(response, "template_name", ""))


def test_validator_opens_the_editor_only_for_practices_under_review(client, author_world):
    index, country, own, _other, author = author_world
    validator = make_validator()
    waiting = make_practice(index, country=country, lead_organisation=own, publish=False)
    idle = make_practice(index, country=country, lead_organisation=own, publish=False)
    Workflow.objects.get(name="Practice validation").start(waiting, author)
    client.force_login(validator)
    assert client.get(reverse("wagtailadmin_pages:edit", args=(waiting.pk,))).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=(idle.pk,))).status_code == 302
    # Reference data stays read-only for them.
    add_org = reverse(own.snippet_viewset.get_url_name("add"))
    assert client.get(add_org).status_code in (302, 403)


def test_authors_dashboard_lists_their_practices_in_fixed_queries(
    client, author_world, django_assert_max_num_queries
):
    index, country, own, other, author = author_world
    for n in range(8):
        make_practice(
            index, title=f"Own {n}", country=country, lead_organisation=own, publish=n % 2 == 0
        )
    make_practice(index, title="Somebody else's", country=country, lead_organisation=other)
    client.force_login(author)
    with django_assert_max_num_queries(30):
        html = client.get(reverse("wagtailadmin_home")).content.decode()
    panel = html.split('id="my-practices-section"', 1)[1].split("</section>", 1)[0]
    assert panel.count("Own ") == 8
    assert "Somebody else" not in panel
    assert "Published" in panel and "Draft" in panel
    assert "Add a practice" in panel


def test_organisation_added_in_the_admin_gets_its_author_group(
    admin_client, practice_index, django_capture_on_commit_callbacks
):
    country = CountryFactory()
    url = reverse("wagtailsnippets_portal_organisation:add")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            {
                "name": "Caritas Valencia",
                "organisation_type": "ngo",
                "country": country.pk,
                "region": "",
                "website": "",
            },
        )
    assert response.status_code == 302
    group = RoleGroup.objects.get(role=Role.PARTNER_AUTHOR, organisation__name="Caritas Valencia")
    assert group.group.page_permissions.filter(page=practice_index).exists()


def test_writers_do_not_see_other_organisations_drafts_in_the_explorer(client, author_world):
    index, country, own, other, author = author_world
    make_practice(index, title="Own draft", country=country, lead_organisation=own, publish=False)
    make_practice(
        index, title="Their draft", country=country, lead_organisation=other, publish=False
    )
    make_practice(index, title="Their published", country=country, lead_organisation=other)
    client.force_login(author)
    html = client.get(reverse("wagtailadmin_explore", args=(index.pk,))).content.decode()
    assert "Own draft" in html and "Their published" in html
    assert "Their draft" not in html
    html = client.get(
        reverse("wagtailadmin_explore", args=(index.pk,)), {"q": "draft"}
    ).content.decode()
    assert "Own draft" in html and "Their draft" not in html
