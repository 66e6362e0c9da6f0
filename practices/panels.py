"""The practice editor's completeness box: which sections a validator expects
(practices.validation.CRITERION_SECTIONS) are still empty, updated as the author types."""

from django import forms
from wagtail.admin.panels import Panel

from .validation import expected_sections, missing_sections


class CompletenessPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "practices/admin/completeness_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            instance = self.instance
            # A page not yet saved has no relations to look at: every section is missing.
            missing = (
                missing_sections(instance)
                if instance and instance.pk
                else [(f, label, c) for f, label, _k, c in expected_sections()]
            )
            context["missing"] = missing
            context["sections"] = [
                {"field": field, "label": str(label), "kind": kind, "criterion": str(criterion)}
                for field, label, kind, criterion in expected_sections()
            ]
            return context

        @property
        def media(self):
            return forms.Media(
                js=["practices/js/completeness.js"],
                css={"all": ["portal/css/admin-authoring.css"]},
            )
