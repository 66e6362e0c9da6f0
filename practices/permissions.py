"""Per-practice permissions on top of Wagtail's page permissions.

Partner author and project coordinator groups hold only the "add" page permission on the
practice index: Wagtail then lets them create practices there. Instead of Wagtail's rule for
"add" ("you may edit the pages you own"), a practice may be edited by whoever acts for its
lead organisation (partner authors) or for its project or one of the project's partners
(coordinators). Everything in the admin goes through ``PracticePage.permissions_for_user``,
so edit, delete, revisions, preview, move, copy and bulk actions all apply this rule.
"""

from django import forms
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import PagePermissionTester

from portal.models import Organisation
from portal.roles import role_scope


def practice_in_scope(user, page):
    """Does ``user`` act for this practice's lead organisation or project?"""
    scope = role_scope(user)
    return page.lead_organisation_id in scope.editable_organisation_ids or (
        page.project_id is not None and page.project_id in scope.project_ids
    )


def practices_in_scope_q(user):
    """The same rule as a filter, for listings such as the authors' dashboard panel."""
    scope = role_scope(user)
    return Q(lead_organisation_id__in=scope.editable_organisation_ids) | Q(
        project_id__in=scope.project_ids
    )


class PracticePermissionTester(PagePermissionTester):
    def _scoped_writer(self):
        """Holds "add" but not "change": a partner author or coordinator, limited by scope."""
        return (
            "change" not in self.permissions
            and "add" in self.permissions
            and practice_in_scope(self.user, self.page)
        )

    def _full_editor(self):
        return self.user.is_superuser or "change" in self.permissions

    def can_edit(self):
        if not self.user.is_active:
            return False
        if self._full_editor() or self._scoped_writer():
            return True
        task = self.page.current_workflow_task
        return bool(task and task.user_can_access_editor(self.page, self.user))

    def can_delete(self, ignore_bulk=False):
        if not self.user.is_active:
            return False
        if self._full_editor():
            return super().can_delete(ignore_bulk=ignore_bulk)
        # Writers may discard a draft of their organisation, never a published practice.
        return self._scoped_writer() and not self.page.live

    def can_submit_for_moderation(self):
        return self.can_edit() and super().can_submit_for_moderation()

    def can_copy(self):
        return self._full_editor() or self._scoped_writer()

    def can_view_revisions(self):
        return self.can_edit()


class PracticePageForm(WagtailAdminPageForm):
    """Writers may only name an organisation they act for as the lead organisation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields.get("lead_organisation")
        if user is None or field is None or user.is_superuser:
            return
        scope = role_scope(user)
        if scope.site_editor:
            return
        allowed = set(scope.editable_organisation_ids)
        if self.instance.pk and self.instance.lead_organisation_id:
            # A validator opening the editor during review must not be blocked by the field.
            allowed.add(self.instance.lead_organisation_id)
        field.queryset = Organisation.objects.filter(pk__in=allowed).order_by("name")
        # A plain select of the allowed organisations instead of the chooser over all of them.
        field.widget = forms.Select()
        field.widget.choices = field.choices
        if len(allowed) == 1 and not self.instance.lead_organisation_id:
            field.initial = next(iter(allowed))

    def clean(self):
        cleaned_data = super().clean()
        # The model's clean() (run after this) checks the regions against the country; give it
        # the regions submitted, not the ones saved before (m2m values are set only on save).
        if "regions" in cleaned_data:
            self.instance.regions = cleaned_data["regions"]
        return cleaned_data
