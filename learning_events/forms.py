"""The page editor form of learning events: checks across the page and its inline rows,
which neither the page's nor a row's ``clean()`` can see on their own, and the projects a
coordinator may choose."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from portal.roles import role_scope


class LearningEventPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_projects()

    projects_limited = False

    def limit_projects(self):
        """A project coordinator (who is not a site editor) may only name a project they
        coordinate: an event of another project, or of none, would be out of their reach."""
        from portal.models import CooperationProject

        user = self.for_user
        field = self.fields.get("project")
        if user is None or field is None or user.is_superuser:
            return
        scope = role_scope(user)
        if scope.site_editor or not scope.project_ids:
            return
        field.queryset = (
            CooperationProject.objects.originals()
            .filter(pk__in=scope.project_ids)
            .order_by("acronym")
        )
        field.required = True
        self.projects_limited = True
        field.empty_label = None
        # A plain select of their projects instead of the chooser over all of them.
        field.widget = forms.Select()
        field.widget.choices = field.choices
        if len(scope.project_ids) == 1 and not self.instance.project_id:
            self.initial.setdefault("project", next(iter(scope.project_ids)))

    def clean(self):
        cleaned_data = super().clean()
        if self.projects_limited and "project" in cleaned_data and not cleaned_data["project"]:
            # Checked here too: Wagtail lets drafts skip "required" fields.
            self.add_error("project", _("Choose one of your cooperation projects."))
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        formset = self.formsets.get("agenda_sessions")
        if start and end and formset is not None:
            for form in formset.forms:
                if not form.is_valid() or form.cleaned_data.get("DELETE"):
                    continue
                day = form.cleaned_data.get("date")
                if day and not start <= day <= end:
                    form.add_error(
                        "date",
                        _("The day must be within the event's dates (%(start)s – %(end)s).")
                        % {"start": start.isoformat(), "end": end.isoformat()},
                    )
        return cleaned_data
