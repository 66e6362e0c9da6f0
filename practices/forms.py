"""The "find practices for my context" form (/practices/context/): a GET form, so the answer's
URL holds the whole question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Country, Region, TargetGroup
from portal.parsing import parse_int
from search.query import MAX_QUERY_LENGTH

from .related import Context, bands_between

# The largest budget a practice can state (PracticeBudget.amount: 14 digits, 2 decimals).
MAX_BUDGET = 10**12 - 1
# Fields that, when present in the query string, mean the form was sent.
FIELDS = ("country", "region", "group", "q", "budget_min", "budget_max")


class EurosField(forms.CharField):
    """A whole number of euros typed by a visitor: "250000", "250 000" or "250,000"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="numeric", autocomplete="off")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        digits = value.replace(" ", "").replace("\u00a0", "").replace(",", "").replace(".", "")
        number = parse_int(digits.removeprefix("€").removesuffix("€"), low=0, high=MAX_BUDGET)
        if number is None:
            raise forms.ValidationError(
                _("Enter a whole number of euros, e.g. 250000."), code="invalid"
            )
        return number


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.country.name})"


class ContextForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Your country"),
        queryset=Country.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Any country"),
    )
    region = RegionChoiceField(
        label=_("Or your region"),
        queryset=Region.objects.select_related("country").order_by("country__name", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any region"),
    )
    group = forms.ModelMultipleChoiceField(
        label=_("Who it is for"),
        queryset=TargetGroup.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    q = forms.CharField(
        label=_("The problem, in your own words"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    budget_min = EurosField(label=_("Budget from (EUR)"))
    budget_max = EurosField(label=_("Budget up to (EUR)"))

    @classmethod
    def from_request(cls, request):
        """Bound when the query string holds any of the form's fields, else unbound."""
        sent = any(name in request.GET for name in FIELDS)
        return cls(request.GET if sent else None)

    def clean(self):
        data = super().clean()
        country, region = data.get("country"), data.get("region")
        if country and region and region.country_id != country.pk:
            self.add_error(
                "region",
                _("%(region)s is not in %(country)s.")
                % {"region": region.name, "country": country.name},
            )
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The upper budget must not be below the lower one."))
        given = [data.get(name) for name in ("country", "region", "group", "q")]
        given += [data.get(name) is not None for name in ("budget_min", "budget_max")]
        if not self.errors and not any(given):
            raise forms.ValidationError(
                _(
                    "Tell us at least one thing: your country or region, who it is for, "
                    "the problem or a budget."
                ),
                code="empty",
            )
        return data

    def context(self):
        """The related.Context of a valid form."""
        data = self.cleaned_data
        region = data.get("region")
        country = data.get("country") or (region.country if region else None)
        low, high = data.get("budget_min"), data.get("budget_max")
        return Context(
            country_id=country.pk if country else None,
            region_ids=frozenset([region.pk]) if region else frozenset(),
            target_group_ids=frozenset(group.pk for group in data.get("group") or ()),
            budget_bands=None if low is None and high is None else bands_between(low, high),
            words=data.get("q", ""),
            words_reason=_("matches your words"),
        )
