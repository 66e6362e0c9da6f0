"""The action plan editor form: which projects and regions a writer may choose, and checks
across the plan's nested rows that no single row's ``clean()`` can see."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from portal.roles import is_site_editor


class ActionPlanPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_indicator_actions()

    def limit_indicator_actions(self):
        """An indicator may measure one of this plan's (saved) actions only."""
        from policy_learning.models import Action

        formset = self.formsets.get("indicators")
        if formset is None:
            return
        actions = Action.objects.filter(plan_id=self.instance.pk) if self.instance.pk else None
        for form in [*formset.forms, formset.empty_form]:
            field = form.fields.get("action")
            if field is not None:
                field.queryset = actions if actions is not None else Action.objects.none()

    def clean(self):
        from policy_learning.permissions import may_write_for

        cleaned_data = super().clean()
        user = self.for_user
        project, region = cleaned_data.get("project"), cleaned_data.get("region")
        if (
            user is not None
            and project
            and region
            and not (user.is_superuser or is_site_editor(user))
            and not may_write_for(user, project.pk, region.pk)
        ):
            self.add_error(
                "project",
                _(
                    "You may write action plans of the projects you coordinate or of your "
                    "organisation's region only."
                ),
            )
        self.clean_indicator_values()
        return cleaned_data

    def clean_indicator_values(self):
        formset = self.formsets.get("indicators")
        if formset is None:
            return
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            baseline = form.cleaned_data.get("baseline_date")
            values = form.formsets.get("values")
            if not baseline or values is None:
                continue
            for value_form in values.forms:
                if not value_form.is_valid() or value_form.cleaned_data.get("DELETE"):
                    continue
                day = value_form.cleaned_data.get("date")
                if day and day < baseline:
                    value_form.add_error(
                        "date",
                        _("A measured value must not be dated before the baseline (%(date)s).")
                        % {"date": baseline.isoformat()},
                    )
