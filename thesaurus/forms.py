"""The concept form in the admin: the rules of thesaurus/models.py applied to what was typed,
each error next to the field or label row it concerns."""

from wagtail.admin.forms import WagtailAdminModelForm

from .models import (
    Concept,
    LabelKind,
    broader_loop,
    default_language,
    label_problems,
    loop_message,
    stored_broader_edges,
    stored_label_keys,
)


class ConceptForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        self._check_labels(cleaned)
        self._check_broader(cleaned)
        return cleaned

    def _check_labels(self, cleaned):
        formset = self.formsets.get("labels")
        if "preferred_label" not in cleaned or formset is None or not formset.is_valid():
            return  # the missing or malformed fields already say what is wrong
        forms = [
            form
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        rows = [(default_language(), LabelKind.PREFERRED.value, cleaned["preferred_label"])]
        rows += [
            (form.cleaned_data["language"], form.cleaned_data["kind"], form.cleaned_data["text"])
            for form in forms
        ]
        for index, message in label_problems(rows, stored_label_keys(exclude=self.instance.pk)):
            if index == 0:
                self.add_error("preferred_label", message)
            else:
                forms[index - 1].add_error("text", message)

    def _check_broader(self, cleaned):
        broader = cleaned.get("broader")
        if not broader or self.instance.pk is None:
            return  # a new concept has nothing below it yet
        chain = broader_loop(
            self.instance.pk, [concept.pk for concept in broader], stored_broader_edges()
        )
        if chain:
            names = dict(Concept.objects.filter(pk__in=chain).values_list("pk", "preferred_label"))
            names[self.instance.pk] = cleaned.get("preferred_label") or str(self.instance)
            self.add_error("broader", loop_message(chain, names.get))
