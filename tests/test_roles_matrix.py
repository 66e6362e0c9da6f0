"""The permission matrix: for every role and every kind of object, exactly which actions
succeed, each tried for real through the HTTP views people use (the public site and the
Wagtail admin). A refused action must also leave the object unchanged.

To add a kind of object (events, worksheets, worksheet answers...), write a ``Kind`` subclass
that makes one object and tries each action over HTTP, register it in ``KINDS`` and add its
line to ``MATRIX`` (see docs/roles.md)."""

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse

from portal.models import CooperationProject
from practices.models import PracticePage
from tests.factories import (
    CooperationProjectFactory,
    CountryFactory,
    OrganisationFactory,
    UserFactory,
    make_practice,
)
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
}

# fmt: off
#                      anonymous partner_author coordinator validator site_editor administrator
MATRIX = {
    "own_practice":     ("p",     "pae",         "p",        "p",      "paePd",    "paePd"),
    "project_practice": ("p",     "p",           "pae",      "p",      "paePd",    "paePd"),
    "other_practice":   ("p",     "p",           "p",        "p",      "paePd",    "paePd"),
    "own_draft":        ("",      "aed",         "",         "",       "aePd",     "aePd"),
    "reference_data":   ("p",     "pa",          "pa",       "pa",     "paed",     "paed"),
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


KINDS = {
    "own_practice": OwnPractice(),
    "project_practice": ProjectPractice(),
    "other_practice": OtherPractice(),
    "own_draft": OwnDraft(),
    "reference_data": ReferenceData(),
}


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
