"""Names of reference data in every interface language: one mechanism for every record that
editors create (target groups, themes). Fixed choice lists (statuses, programmes, budget
periods) are translated with gettext; country names come from CLDR (portal/formats.py).

A record keeps its English ``name``; ``labels`` holds its name in the other languages,
``{"de": "Ältere Menschen", ...}``, edited in the admin through one labelled input per
language. ``local_name`` is the name in the active language, English where none is given.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.formats import language_code

LABEL_MAX_LENGTH = 200


def label_languages():
    """(code, name) of the interface languages other than English, in settings order."""
    return [(code, name) for code, name in settings.LANGUAGES if code != "en"]


class LabelsWidget(forms.MultiWidget):
    """One text input per language, each with its own <label> (axe: every field labelled)."""

    template_name = "portal/widgets/labels.html"
    # A fieldset with the field's label as its legend, each language input with its own label.
    use_fieldset = True

    class Media:
        css = {"all": ["portal/css/admin-authoring.css"]}

    def __init__(self, attrs=None):
        self.languages = label_languages()
        super().__init__([forms.TextInput({"lang": code}) for code, _n in self.languages], attrs)

    def decompress(self, value):
        value = value or {}
        return [value.get(code, "") for code, _n in self.languages]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (code, language) in zip(
            context["widget"]["subwidgets"], self.languages, strict=True
        ):
            subwidget["language"] = language
            subwidget["code"] = code
        return context


class LabelsFormField(forms.MultiValueField):
    widget = LabelsWidget

    def __init__(self, **kwargs):
        for key in ("encoder", "decoder", "max_length"):
            kwargs.pop(key, None)
        fields = [
            forms.CharField(required=False, max_length=LABEL_MAX_LENGTH) for _c in label_languages()
        ]
        kwargs["required"] = False
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        data_list = data_list or []
        return {
            code: text.strip()
            for (code, _n), text in zip(label_languages(), data_list, strict=False)
            if text and text.strip()
        }


def validate_labels(value):
    if not isinstance(value, dict):
        raise ValidationError(_("Names in other languages must be a mapping of language codes."))
    known = {code for code, _n in label_languages()}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValidationError(
            _("Unknown language codes: %(codes)s. Use one of: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(sorted(known))}
        )
    for code, text in value.items():
        if not isinstance(text, str) or len(text) > LABEL_MAX_LENGTH:
            raise ValidationError(
                _("The name in “%(code)s” must be text of at most %(max)s characters.")
                % {"code": code, "max": LABEL_MAX_LENGTH}
            )


class LabelsField(models.JSONField):
    """{language code: name}; its form field is one labelled input per language."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_labels])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return LabelsFormField(label=capfirst(self.verbose_name), help_text=self.help_text)


class LabelledModel(models.Model):
    labels = LabelsField(
        _("names in other languages"),
        help_text=_("The name as readers of each language know it. Empty: the English name."),
    )

    class Meta:
        abstract = True

    def label_in(self, language=None):
        return (self.labels or {}).get(language_code(language)) or self.name

    @property
    def local_name(self):
        """The name in the active language (English where none is given)."""
        return self.label_in()

    def all_names(self):
        """The English name and every translation, for search."""
        return [self.name, *[text for text in (self.labels or {}).values() if text]]
