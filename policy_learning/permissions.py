"""Who may write and who may read an action plan (docs/policy-learning.md, "Roles").

- Project coordinators write the plans of the projects they coordinate;
- partner authors write the plans of their organisation's region;
- validators, site editors and administrators read every plan, drafting ones included;
- the public reads published plans once endorsed (``PUBLIC_PLAN_STATUSES``), never drafts.

Writers hold only "add" on the action plan index (the ``setup_roles`` hook); edit, publish,
unpublish and delete are decided per plan by ``ActionPlanPermissionTester``, as for events.
"""

from learning_events.permissions import ScopedPagePermissionTester
from portal.models import Organisation
from portal.roles import is_site_editor, role_scope


def author_region_ids(user):
    """The regions of the organisations ``user`` is a partner author of (cached per user)."""
    cached = getattr(user, "_policy_region_ids", None)
    if cached is None:
        organisation_ids = role_scope(user).organisation_ids
        cached = set()
        if organisation_ids:
            cached = set(
                Organisation.objects.filter(
                    pk__in=organisation_ids, region__isnull=False
                ).values_list("region_id", flat=True)
            )
        user._policy_region_ids = cached
    return cached


def may_write_for(user, project_id, region_id):
    """May ``user`` write a plan of this project and region (as coordinator or author)?"""
    if not user.is_authenticated or not user.is_active:
        return False
    return project_id in role_scope(user).project_ids or region_id in author_region_ids(user)


def plan_in_scope(user, plan):
    return may_write_for(user, plan.project_id, plan.region_id)


def reads_every_plan(user):
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or is_site_editor(user) or role_scope(user).validator


def can_read_plan(user, plan):
    """May ``user`` see this (published) plan's public page?"""
    return plan.is_public_status or reads_every_plan(user) or plan_in_scope(user, plan)


class ActionPlanPermissionTester(ScopedPagePermissionTester):
    def in_scope(self):
        return plan_in_scope(self.user, self.page)


def plans_in_scope_q(user):
    """The plans ``user`` writes, as a filter: their projects' and their regions'."""
    from django.db.models import Q

    return Q(project_id__in=role_scope(user).project_ids) | Q(region_id__in=author_region_ids(user))


def hidden_draft_plans(user):
    """The draft plans (unpublished, or published but still drafting) whose titles ``user``
    may not see in the admin's page explorer, or None when they read every plan."""
    from django.db.models import Q

    from .models import PUBLIC_PLAN_STATUSES, ActionPlanPage

    if reads_every_plan(user):
        return None
    drafts = ActionPlanPage.objects.filter(Q(live=False) | ~Q(plan_status__in=PUBLIC_PLAN_STATUSES))
    return drafts.exclude(plans_in_scope_q(user) | Q(owner=user))
