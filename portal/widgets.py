"""Admin widgets for reference data: the ISO 4217 currency list and a region chooser grouped
by country that follows the country chosen in the same form."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .formats import currency_choices


def _currency_choices():
    return [("", _("Choose a currency")), *currency_choices()]


class CurrencySelect(forms.Select):
    """Every ISO 4217 code in current use, from CLDR through Babel, named in the editor's
    language ("EUR – Euro"). The model's validator refuses anything else."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=())
        # Read when rendered, so that the names follow the editor's language.
        self.choices = lazy(_currency_choices, list)()

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.choices = lazy(_currency_choices, list)()
        return copy


class RegionChooser(forms.CheckboxSelectMultiple):
    """Checkboxes grouped by country (a fieldset per country, in the country's name in the
    editor's language), with a filter box; portal/js/region-chooser.js shows only the
    country chosen in the field named ``country_field`` (and any group with a ticked box)."""

    template_name = "portal/widgets/region_chooser.html"
    use_fieldset = True

    class Media:
        js = ["portal/js/region-chooser.js"]
        css = {"all": ["portal/css/admin-authoring.css"]}

    def __init__(self, attrs=None, country_field="country"):
        super().__init__(attrs)
        self.country_field = country_field

    def get_context(self, name, value, attrs):
        from .models import Country

        context = super().get_context(name, value, attrs)
        options = [option for _g, group, _i in context["widget"]["optgroups"] for option in group]
        regions = [option["value"].instance for option in options if option["value"]]
        countries = Country.objects.in_bulk({region.country_id for region in regions})
        groups = {}
        for option, region in zip(options, regions, strict=True):
            country = countries.get(region.country_id)
            group = groups.setdefault(
                region.country_id,
                {"country_id": region.country_id, "name": str(country or ""), "options": []},
            )
            option["region_name"] = region.name
            option["region_name_en"] = region.name_en
            group["options"].append(option)
        context["widget"]["groups"] = sorted(groups.values(), key=lambda g: g["name"])
        context["widget"]["country_field"] = self.country_field
        return context
