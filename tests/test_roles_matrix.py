"""The permission matrix: for every role and every kind of object, exactly which actions
succeed, each tried for real through the HTTP views people use (the public site and the
Wagtail admin). A refused action must also leave the object unchanged.

To add a kind of object, write a ``Kind`` subclass that makes one object and tries each action
over HTTP, register it in ``KINDS`` and add its line to ``MATRIX`` (see docs/roles.md).

Events, worksheets and worksheet answers come in two flavours: of project P, which the
coordinator coordinates, and of project Q, which nobody in the world coordinates."""

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from learning_events.models import StudyVisitPage
from peer_reviews.models import PeerReviewWorksheetPage
from policy_learning.models import ActionPlanPage
from portal.models import CooperationProject
from practices.models import PracticePage
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    OrganisationFactory,
    RegionFactory,
    UserFactory,
    make_practice,
)
from tests.factories_events import make_event_index, make_study_visit, make_workshop
from tests.factories_policy import make_plan, make_plan_index
from tests.factories_reviews import answer, make_invitation, make_worksheet
from tests.factories_roles import (
    make_author,
    make_coordinator,
    make_site_editor,
    make_validator,
    practice_form_data,
)

ROLES = ["anonymous", "partner_author", "coordinator", "validator", "site_editor", "administrator"]
# One letter per action in MATRIX.
ACTIONS = {
    "p": "view_public",  # see it on the public site
    "a": "view_admin",  # see it (or its latest draft) in the admin
    "e": "edit",  # save a change
    "P": "publish",  # make a change public
    "d": "delete",
    "r": "read_answers",  # a worksheet's results, CSV, XLSX, report and PDF
}

# fmt: off
#                      anonymous partner_author coordinator validator site_editor administrator
MATRIX = {
    "own_practice":     ("p",     "pae",         "p",        "p",      "paePd",    "paePd"),
    "project_practice": ("p",     "p",           "pae",      "p",      "paePd",    "paePd"),
    "other_practice":   ("p",     "p",           "p",        "p",      "paePd",    "paePd"),
    "own_draft":        ("",      "aed",         "",         "",       "aePd",     "aePd"),
    "reference_data":   ("p",     "pa",          "pa",       "pa",     "paed",     "paed"),
    "project_event":    ("p",     "p",           "paePd",    "p",      "paePd",    "paePd"),
    "other_event":      ("p",     "p",           "p",        "p",      "paePd",    "paePd"),
    "project_worksheet": ("p",    "",            "paePd",    "",       "aePd",     "paePd"),
    "other_worksheet":  ("p",     "",            "",         "",       "aePd",     "paePd"),
    "project_answers":  ("",      "",            "r",        "",       "",         "r"),
    "other_answers":    ("",      "",            "",         "",       "",         "r"),
    "project_plan":     ("p",     "p",           "paePd",    "p",      "paePd",    "paePd"),
    "own_region_plan":  ("p",     "paePd",       "p",        "p",      "paePd",    "paePd"),
    "other_plan":       ("p",     "p",           "p",        "p",      "paePd",    "paePd"),
    "drafting_plan":    ("",      "",            "",         "p",      "p",        "p"),
    "own_region_unpublished_plan": ("", "a",         "",         "",       "a",        "a"),
    "other_unpublished_plan": ("",  "",            "",         "",       "a",        "a"),
}
# fmt: on


class World:
    """Three organisations: A (the partner author's), B (partner of project P, which the
    coordinator coordinates) and C (nobody's)."""

    def __init__(self, practice_index):
        self.index = practice_index
        self.country = CountryFactory()
        self.org_a = OrganisationFactory(country=self.country)
        self.org_b = OrganisationFactory(country=self.country)
        self.org_c = OrganisationFactory(country=self.country)
        self.project = CooperationProjectFactory()
        self.project.partners.set([self.org_b])
        self.project.save()  # ParentalManyToManyField: written on save
        self.other_project = CooperationProjectFactory()
        self.other_project.partners.set([self.org_a, self.org_c])
        self.other_project.save()
        # Before any user is made: setup_roles grants coordinators "add" on this index.
        self.event_index = make_event_index(practice_index.get_parent())
        self.plan_index = make_plan_index(practice_index.get_parent())
        # Action plans: the partner author's organisation A is in region A.
        self.region_a = RegionFactory(country=self.country)
        self.region_c = RegionFactory(country=self.country)
        self.org_a.region = self.region_a
        self.org_a.save()

    def user(self, role):
        if role == "anonymous":
            return None
        return {
            "partner_author": lambda: make_author(self.org_a),
            "coordinator": lambda: make_coordinator(self.project),
            "validator": make_validator,
            "site_editor": make_site_editor,
            "administrator": lambda: UserFactory(is_superuser=True),
        }[role]()


class Kind:
    actions = ()

    def make(self, world):
        raise NotImplementedError

    def try_action(self, action, client, obj, world):
        """Attempt ``action`` over HTTP; True if it took effect."""
        return getattr(self, action)(client, obj, world)


class PracticeKind(Kind):
    actions = ("view_public", "view_admin", "edit", "publish", "delete")
    organisation = "org_a"
    live = True

    def make(self, world):
        page = make_practice(
            world.index,
            title="Original title",
            country=world.country,
            lead_organisation=getattr(world, self.organisation),
            publish=self.live,
        )
        if self.live:
            # A newer draft, so "view in the admin" shows something the public cannot see.
            page.title = "Draft title"
            page.save_revision()
        return PracticePage.objects.get(pk=page.pk)

    def view_public(self, client, page, world):
        response = client.get(page.url)
        return response.status_code == 200 and b"Original title" in response.content

    def view_admin(self, client, page, world):
        response = client.get(reverse("wagtailadmin_pages:view_draft", args=(page.pk,)))
        return response.status_code == 200

    def _post_edit(self, client, page, **extra):
        return client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            practice_form_data(
                title="Changed title",
                slug=page.slug,
                country=page.country_id,
                lead_organisation=page.lead_organisation_id,
                **extra,
            ),
        )

    def edit(self, client, page, world):
        self._post_edit(client, page)
        return (
            PracticePage.objects.get(pk=page.pk).get_latest_revision().content["title"]
            == "Changed title"
        )

    def publish(self, client, page, world):
        self._post_edit(client, page, **{"action-publish": "Publish"})
        page = PracticePage.objects.get(pk=page.pk)
        return page.live and page.title == "Changed title" and not page.has_unpublished_changes

    def delete(self, client, page, world):
        client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,)))
        return not PracticePage.objects.filter(pk=page.pk).exists()


class OwnPractice(PracticeKind):
    organisation = "org_a"


class ProjectPractice(PracticeKind):
    organisation = "org_b"


class OtherPractice(PracticeKind):
    organisation = "org_c"


class OwnDraft(PracticeKind):
    organisation = "org_a"
    live = False

    def view_public(self, client, page, world):
        return client.get(page.url).status_code == 200


class ReferenceData(Kind):
    """A cooperation project: a reference data snippet with a public page."""

    actions = ("view_public", "view_admin", "edit", "delete")

    def make(self, world):
        return world.project

    def _url(self, view, obj):
        return reverse(obj.snippet_viewset.get_url_name(view), args=(quote(obj.pk),))

    def view_public(self, client, obj, world):
        response = client.get(obj.get_absolute_url())
        return response.status_code == 200 and obj.acronym.encode() in response.content

    def view_admin(self, client, obj, world):
        return client.get(self._url("inspect", obj)).status_code == 200

    def edit(self, client, obj, world):
        client.post(
            self._url("edit", obj),
            {
                "acronym": obj.acronym,
                "slug": obj.slug,
                "name": "Renamed project",
                "programme": obj.programme,
                "summary": "",
                "website": "",
                "partners": [o.pk for o in obj.partners.all()],
            },
        )
        return CooperationProject.objects.get(pk=obj.pk).name == "Renamed project"

    def delete(self, client, obj, world):
        client.post(self._url("delete", obj))
        return not CooperationProject.objects.filter(pk=obj.pk).exists()


class EventKind(Kind):
    """A study visit of the coordinator's project (or of another), live with a newer draft."""

    actions = ("view_public", "view_admin", "edit", "publish", "delete")
    project = "project"

    def make(self, world):
        page = make_study_visit(
            world.event_index,
            title="Original title",
            project=getattr(world, self.project),
            venue_country=world.country,
        )
        page.title = "Draft title"
        page.save_revision()
        return StudyVisitPage.objects.get(pk=page.pk)

    def view_public(self, client, page, world):
        response = client.get(page.url)
        return response.status_code == 200 and b"Original title" in response.content

    def view_admin(self, client, page, world):
        response = client.get(reverse("wagtailadmin_pages:view_draft", args=(page.pk,)))
        return response.status_code == 200 and b"Draft title" in response.content

    def _post_edit(self, client, page, **extra):
        data = {
            "title": "Changed title",
            "slug": page.slug,
            "summary": page.summary,
            "status": page.status,
            "start_date": page.start_date.isoformat(),
            "end_date": page.end_date.isoformat(),
            "time_zone": page.time_zone,
            "event_format": page.event_format,
            "venue_city": page.venue_city,
            "venue_country": page.venue_country_id,
            "project": page.project_id,
            "agenda_sessions": inline_formset([]),
            "output_documents": inline_formset([]),
            "photos": inline_formset([]),
            "visited_practices": inline_formset([]),
            "sites": inline_formset([]),
            "comments": inline_formset([]),
            **extra,
        }
        return client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)), nested_form_data(data)
        )

    def edit(self, client, page, world):
        self._post_edit(client, page)
        latest = StudyVisitPage.objects.get(pk=page.pk).get_latest_revision()
        return latest.content["title"] == "Changed title"

    def publish(self, client, page, world):
        self._post_edit(client, page, **{"action-publish": "Publish"})
        page = StudyVisitPage.objects.get(pk=page.pk)
        return page.live and page.title == "Changed title" and not page.has_unpublished_changes

    def delete(self, client, page, world):
        client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,)))
        return not StudyVisitPage.objects.filter(pk=page.pk).exists()


class ProjectEvent(EventKind):
    project = "project"


class OtherEvent(EventKind):
    project = "other_project"


SECRET_ANSWER = "A strength only the readers of this worksheet may see."


class WorksheetKind(Kind):
    """A worksheet under a peer-review workshop of the coordinator's project (or of
    another), live with a newer draft, with one submitted answer. Its public page is the
    participants' form: visitors get the invitation explanation (200), signed-in people
    who are neither invited nor readers a 403 explanation."""

    actions = ("view_public", "view_admin", "edit", "publish", "delete")
    project = "project"

    def make(self, world):
        workshop = make_workshop(
            world.event_index, project=getattr(world, self.project), venue_country=world.country
        )
        page = make_worksheet(
            workshop,
            title="Original title",
            questions=[{"field_type": "long_text", "label": "Strengths", "required": False}],
        )
        answer(page, make_invitation(page, name="Peer"), {"Strengths": SECRET_ANSWER})
        page.title = "Draft title"
        page.save_revision()
        return PeerReviewWorksheetPage.objects.get(pk=page.pk)

    def view_public(self, client, page, world):
        response = client.get(page.url)
        return response.status_code == 200 and b"Original title" in response.content

    def view_admin(self, client, page, world):
        response = client.get(reverse("wagtailadmin_pages:view_draft", args=(page.pk,)))
        return response.status_code == 200 and b"Draft title" in response.content

    def _post_edit(self, client, page, **extra):
        question = page.questions.get()
        data = nested_form_data(
            {
                "title": "Changed title",
                "slug": page.slug,
                "intro": page.intro,
                "deadline": page.deadline.strftime("%Y-%m-%d %H:%M"),
                "questions": inline_formset(
                    [
                        {
                            "id": question.pk,
                            "field_type": question.field_type,
                            "label": question.label,
                            "help_text": "",
                            "required": "",
                            "choices": "",
                            "scale_low_label": "",
                            "scale_high_label": "",
                        }
                    ],
                    initial=1,
                ),
                "thank_you_text": page.thank_you_text,
                "comments": inline_formset([]),
                **extra,
            }
        )
        return client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)

    def edit(self, client, page, world):
        self._post_edit(client, page)
        latest = PeerReviewWorksheetPage.objects.get(pk=page.pk).get_latest_revision()
        return latest.content["title"] == "Changed title"

    def publish(self, client, page, world):
        self._post_edit(client, page, **{"action-publish": "Publish"})
        page = PeerReviewWorksheetPage.objects.get(pk=page.pk)
        return page.live and page.title == "Changed title" and not page.has_unpublished_changes

    def delete(self, client, page, world):
        client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,)))
        return not PeerReviewWorksheetPage.objects.filter(pk=page.pk).exists()


class ProjectWorksheet(WorksheetKind):
    project = "project"


class OtherWorksheet(WorksheetKind):
    project = "other_project"


class AnswersKind(WorksheetKind):
    """The answers of a worksheet: its results page, CSV and XLSX exports, the report and
    its PDF. All of them answer alike (200 with the answer, or a refusal); a mix fails."""

    actions = ("read_answers",)
    routes = ("results/", "results/csv/", "results/xlsx/", "report/", "report/pdf/")

    def read_answers(self, client, page, world):
        responses = {route: client.get(page.url + route) for route in self.routes}
        for route in ("results/", "results/csv/"):
            body = responses[route].content.decode("utf-8-sig")
            assert (responses[route].status_code == 200) == (SECRET_ANSWER in body), route
        allowed = {route: r.status_code == 200 for route, r in responses.items()}
        refused = {route: r.status_code in (302, 403) for route, r in responses.items()}
        assert all(allowed.values()) or all(refused.values()), responses
        return all(allowed.values())


class ProjectAnswers(AnswersKind):
    project = "project"


class OtherAnswers(AnswersKind):
    project = "other_project"


KINDS = {
    "own_practice": OwnPractice(),
    "project_practice": ProjectPractice(),
    "other_practice": OtherPractice(),
    "own_draft": OwnDraft(),
    "reference_data": ReferenceData(),
    "project_event": ProjectEvent(),
    "other_event": OtherEvent(),
    "project_worksheet": ProjectWorksheet(),
    "other_worksheet": OtherWorksheet(),
    "project_answers": ProjectAnswers(),
    "other_answers": OtherAnswers(),
}


class PlanKind(Kind):
    """An endorsed action plan, live with a newer draft: of the coordinator's project P in
    nobody's region, of another project in the partner author's region A, or of neither."""

    actions = ("view_public", "view_admin", "edit", "publish", "delete")
    project = "other_project"
    region = "region_c"
    status = "endorsed"

    def make(self, world):
        page = make_plan(
            world.plan_index,
            project=getattr(world, self.project),
            region=getattr(world, self.region),
            title="Original title",
            plan_status=self.status,
            actions=[{"title": "Open a one-stop desk"}],
        )
        page.title = "Draft title"
        page.save_revision()
        return ActionPlanPage.objects.get(pk=page.pk)

    def view_public(self, client, page, world):
        response = client.get(page.url)
        shown = response.status_code == 200 and b"Original title" in response.content
        # The plan's downloads follow the page: both or neither.
        download = client.get(page.url + page.reverse_subpage("csv"))
        assert (download.status_code == 200) == shown
        return shown

    def view_admin(self, client, page, world):
        response = client.get(reverse("wagtailadmin_pages:view_draft", args=(page.pk,)))
        return response.status_code == 200 and b"Draft title" in response.content

    def _post_edit(self, client, page, **extra):
        action = page.actions.get()
        data = {
            "title": "Changed title",
            "slug": page.slug,
            "project": page.project_id,
            "region": page.region_id,
            "plan_status": page.plan_status,
            "context": rich_text(""),
            "actions": inline_formset(
                [
                    {
                        "id": action.pk,
                        "title": action.title,
                        "status_history": inline_formset([]),
                    }
                ]
            ),
            "indicators": inline_formset([]),
            "comments": inline_formset([]),
            **extra,
        }
        return client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)), nested_form_data(data)
        )

    def edit(self, client, page, world):
        self._post_edit(client, page)
        latest = ActionPlanPage.objects.get(pk=page.pk).get_latest_revision()
        return latest.content["title"] == "Changed title"

    def publish(self, client, page, world):
        self._post_edit(client, page, **{"action-publish": "Publish"})
        page = ActionPlanPage.objects.get(pk=page.pk)
        return page.live and page.title == "Changed title" and not page.has_unpublished_changes

    def delete(self, client, page, world):
        client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,)))
        return not ActionPlanPage.objects.filter(pk=page.pk).exists()


class ProjectPlan(PlanKind):
    project = "project"


class OwnRegionPlan(PlanKind):
    region = "region_a"


class OtherPlan(PlanKind):
    pass


class DraftingPlan(PlanKind):
    """A published plan still drafting: only those who read every plan see it."""

    actions = ("view_public",)
    status = "drafting"


class UnpublishedPlanKind(PlanKind):
    """A plan never published, still drafting: "view_admin" here is its title listed in the
    admin's page explorer under the index (other writers' drafts are hidden there)."""

    actions = ("view_admin",)
    status = "drafting"

    def make(self, world):
        return make_plan(
            world.plan_index,
            project=getattr(world, self.project),
            region=getattr(world, self.region),
            title="Unpublished plan title",
            plan_status=self.status,
            publish=False,
        )

    def view_admin(self, client, page, world):
        response = client.get(reverse("wagtailadmin_explore", args=(world.plan_index.pk,)))
        return response.status_code == 200 and b"Unpublished plan title" in response.content


class OwnRegionUnpublishedPlan(UnpublishedPlanKind):
    region = "region_a"


class OtherUnpublishedPlan(UnpublishedPlanKind):
    pass


KINDS.update(
    {
        "own_region_unpublished_plan": OwnRegionUnpublishedPlan(),
        "other_unpublished_plan": OtherUnpublishedPlan(),
        "project_plan": ProjectPlan(),
        "own_region_plan": OwnRegionPlan(),
        "other_plan": OtherPlan(),
        "drafting_plan": DraftingPlan(),
    }
)


def _cases():
    for kind_name, kind in KINDS.items():
        row = MATRIX[kind_name]
        for role, letters in zip(ROLES, row, strict=True):
            for letter, action in ACTIONS.items():
                if action in kind.actions:
                    yield pytest.param(
                        role,
                        kind_name,
                        action,
                        letter in letters,
                        id=f"{role}-{kind_name}-{action}",
                    )


def test_matrix_covers_every_kind_and_role():
    assert set(MATRIX) == set(KINDS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())
    for kind_name, row in MATRIX.items():
        for letters in row:
            assert {ACTIONS[letter] for letter in letters} <= set(KINDS[kind_name].actions)


@pytest.mark.parametrize(("role", "kind_name", "action", "allowed"), list(_cases()))
def test_permission_matrix(client, practice_index, role, kind_name, action, allowed):
    world = World(practice_index)
    kind = KINDS[kind_name]
    obj = kind.make(world)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    assert kind.try_action(action, client, obj, world) is allowed
