"""The participant's form, built from the worksheet's questions the way Wagtail's form builder
does it (one ``create_<type>_field`` method per question type), and the admin form that gives
a new worksheet the classic questions."""

from collections import OrderedDict

import django.forms
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm, FormBuilder, WagtailAdminFormPageForm

from portal.parsing import parse_id

from .questions import RATING_VALUES, QuestionType

YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


class PracticeChoiceField(django.forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # Django filters ``pk__in`` with whatever was posted: "①" or an id past 64 bits would
        # reach the database and fail there instead of being an invalid choice.
        for pk in value:
            if parse_id(pk) is None:
                raise django.forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.country.name})"


class WorksheetForm(BaseForm):
    """The participant's answers. ``sections()`` groups the bound fields under their section
    headings for the template."""

    question_rows = ()

    def sections(self):
        sections = []
        current = {"heading": None, "intro": "", "fields": []}
        for row in self.question_rows:
            if row.field_type == QuestionType.SECTION:
                if current["heading"] or current["fields"]:
                    sections.append(current)
                current = {"heading": row.label, "intro": row.help_text, "fields": []}
            elif row.clean_name in self.fields:
                current["fields"].append(self[row.clean_name])
        if current["heading"] or current["fields"]:
            sections.append(current)
        return sections


class WorksheetFormBuilder(FormBuilder):
    def create_short_text_field(self, field, options):
        options["max_length"] = 255
        return django.forms.CharField(**options)

    def create_long_text_field(self, field, options):
        options["max_length"] = 10_000
        options["widget"] = django.forms.Textarea(attrs={"rows": 6})
        return django.forms.CharField(**options)

    def create_rating_field(self, field, options):
        low, high = field.scale_low_label, field.scale_high_label
        choices = []
        for value in RATING_VALUES:
            label = str(value)
            if value == RATING_VALUES[0] and low:
                label = f"{value} – {low}"
            elif value == RATING_VALUES[-1] and high:
                label = f"{value} – {high}"
            choices.append((value, label))
        options["initial"] = None
        return django.forms.TypedChoiceField(
            choices=choices,
            coerce=int,
            empty_value=None,
            widget=django.forms.RadioSelect(attrs={"class": "rating"}),
            **options,
        )

    def create_single_choice_field(self, field, options):
        options["choices"] = self.get_formatted_field_choices(field)
        options["widget"] = django.forms.RadioSelect
        return django.forms.ChoiceField(**options)

    def create_multiple_choice_field(self, field, options):
        options["choices"] = self.get_formatted_field_choices(field)
        options["initial"] = []
        options["widget"] = django.forms.CheckboxSelectMultiple
        return django.forms.MultipleChoiceField(**options)

    def create_yes_no_field(self, field, options):
        options["initial"] = None
        return django.forms.ChoiceField(
            choices=YES_NO_CHOICES, widget=django.forms.RadioSelect, **options
        )

    def create_practice_field(self, field, options):
        from practices.models import PracticePage

        options["initial"] = []
        return PracticeChoiceField(
            queryset=PracticePage.objects.live()
            .public()
            .filter(translated_version__isnull=True)  # each practice once, in its original
            .select_related("country")
            .order_by("title"),
            widget=django.forms.CheckboxSelectMultiple,
            **options,
        )

    def get_formatted_field_choices(self, field):
        return [(choice, choice) for choice in field.choice_list()]

    @property
    def formfields(self):
        formfields = OrderedDict()
        for field in self.fields:
            if field.field_type == QuestionType.SECTION:
                continue
            create_field = self.get_create_field_function(field.field_type)
            clean_name = field.clean_name or field.get_field_clean_name()
            formfields[clean_name] = create_field(field, self.get_field_options(field))
        return formfields

    def get_form_class(self):
        attrs = dict(self.formfields)
        attrs["question_rows"] = list(self.fields)
        return type("WorksheetForm", (WorksheetForm,), attrs)


class WorksheetAdminForm(WagtailAdminFormPageForm):
    """A new worksheet opens with the classic peer-review questions, ready to edit."""

    def __init__(self, data=None, files=None, *args, **kwargs):
        instance = kwargs.get("instance")
        if (
            data is None
            and instance is not None
            and instance.pk is None
            and not list(instance.questions.all())
        ):
            instance.apply_template()
        super().__init__(data, files, *args, **kwargs)
