"""The page editor form of learning events: checks across the page and its inline rows,
which neither the page's nor a row's ``clean()`` can see on their own."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class LearningEventPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
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
