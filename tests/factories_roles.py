"""Users in each role, and the admin form data a practice editor posts."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from portal.models import Role, RoleGroup
from portal.roles import setup_roles
from tests.factories import UserFactory


def role_group(role, organisation=None, project=None):
    setup_roles()
    return RoleGroup.objects.get(role=role, organisation=organisation, project=project).group


def make_user_in(role, organisation=None, project=None, **fields):
    user = UserFactory(**fields)
    user.groups.add(role_group(role, organisation=organisation, project=project))
    return user


def make_author(organisation, **fields):
    return make_user_in(Role.PARTNER_AUTHOR, organisation=organisation, **fields)


def make_coordinator(project, **fields):
    return make_user_in(Role.PROJECT_COORDINATOR, project=project, **fields)


def make_validator(**fields):
    return make_user_in(Role.VALIDATOR, **fields)


def make_site_editor(**fields):
    return make_user_in(Role.SITE_EDITOR, **fields)


def practice_form_data(**fields):
    """POST data for the practice create/edit view (every inline formset empty unless given)."""
    data = {
        "title": "Community kitchens",
        "slug": "community-kitchens",
        "summary": "Shared kitchens where neighbours cook together.",
        "country": "",
        "lead_organisation": "",
        "funding_programme": "",
        "themes": "",
        "status": "ongoing",
        "practice": "",
        "context": "",
        "resources": "",
        "evidence": "",
        "difficulties": "",
        "transferability": "",
        "seo_title": "",
        "search_description": "",
        "budgets": inline_formset([]),
        "outcomes": inline_formset([]),
        "contacts": inline_formset([]),
        "links": inline_formset([]),
        "documents": inline_formset([]),
        "comments": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)
